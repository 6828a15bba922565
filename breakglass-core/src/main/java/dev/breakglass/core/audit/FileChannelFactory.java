package dev.breakglass.core.audit;

import dev.breakglass.spi.files.DurableFiles;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;

/**
 * How the log opens the files it writes: owner-only ({@code 600}) when created, in directories made
 * {@code 700}; tests substitute channels that fail like a broken disk.
 */
@FunctionalInterface
interface FileChannelFactory {
  FileChannelFactory DEFAULT = DurableFiles::openPrivate;

  FileChannel open(Path file, OpenOption... options) throws IOException;
}
