/**
 * Durable files for plugins and the engine alike: {@link dev.breakglass.spi.files.DurableFiles}
 * replaces a file atomically (temporary file, fsync, atomic rename, directory fsync) and creates
 * owner-only directories and files; {@link dev.breakglass.spi.files.VersionedFile} keeps a versioned
 * document (a vault) in one file shared safely by threads and processes.
 *
 * <p>A plugin that stores state on disk uses these instead of writing its own fsync and rename
 * code, so every component follows the same crash-safety and permission rules.
 */
@NullMarked
package dev.breakglass.spi.files;

import org.jspecify.annotations.NullMarked;
