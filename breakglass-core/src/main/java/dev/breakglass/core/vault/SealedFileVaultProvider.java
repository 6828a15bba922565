package dev.breakglass.core.vault;

import dev.breakglass.ProviderException;
import dev.breakglass.spi.CredentialVault;
import dev.breakglass.spi.CredentialVaultProvider;
import dev.breakglass.spi.ProviderContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Provider {@code sealed-file}: a {@link SealedFileVault}, which the engine sees as a
 * {@link dev.breakglass.spi.SealedCredentialVault}.
 *
 * <table>
 *   <caption>Properties</caption>
 *   <tr><th>property</th><th>meaning</th><th>default</th></tr>
 *   <tr><td>{@code path}</td><td>vault file, relative to the data directory</td><td>{@code sealed-vault.json}</td></tr>
 *   <tr><td>{@code passphrase-env}</td><td>name of the environment variable holding the passphrase</td><td rowspan="2">one of the two is required</td></tr>
 *   <tr><td>{@code passphrase-file}</td><td>file (relative to the data directory) holding the passphrase; must be owner-only (chmod 600)</td></tr>
 * </table>
 *
 * <p>The file must exist: creating a sealed vault hands out custodian shares, which is an operator's
 * act ({@link SealedFileVault#create}), not something a configuration does. Stateless and
 * thread-safe.
 */
public final class SealedFileVaultProvider implements CredentialVaultProvider {
  /** The provider {@link java.util.ServiceLoader} instantiates. */
  public SealedFileVaultProvider() {}

  @Override
  public String name() {
    return "sealed-file";
  }

  /**
   * Opens the sealed vault.
   *
   * @throws ProviderException if a property is missing or invalid, or the file does not exist
   * @throws dev.breakglass.VaultException if the vault cannot be opened
   */
  @Override
  public CredentialVault create(ProviderContext context) {
    Path path = context.path("path").orElse(context.dataDirectory().resolve("sealed-vault.json"));
    char[] passphrase = context.requireSecret("passphrase", "the vault passphrase");
    try {
      if (!Files.exists(path)) {
        throw context.problem("path", "the vault file " + path + " does not exist; create it with"
            + " SealedFileVault.create, which hands out the custodians' shares");
      }
      return SealedFileVault.open(path, passphrase);
    } finally {
      Arrays.fill(passphrase, '\0');
    }
  }
}
