/**
 * Embedded credential vaults: {@link dev.breakglass.core.vault.EncryptedFileVault} (a passphrase
 * file vault, provider {@code file}) and {@link dev.breakglass.core.vault.SealedFileVault} (the
 * same file sealed by M-of-N custodian shares, provider {@code sealed-file}), the paper form of a
 * {@link dev.breakglass.core.vault.CustodianShare}. Files are written through
 * {@link dev.breakglass.spi.files.VersionedFile} and {@link dev.breakglass.spi.files.DurableFiles}.
 */
@NullMarked
package dev.breakglass.core.vault;

import org.jspecify.annotations.NullMarked;
