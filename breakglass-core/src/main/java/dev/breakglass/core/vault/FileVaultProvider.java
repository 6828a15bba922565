package dev.breakglass.core.vault;

import dev.breakglass.ProviderException;
import dev.breakglass.spi.CredentialVault;
import dev.breakglass.spi.CredentialVaultProvider;
import dev.breakglass.spi.ProviderContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Provider {@code file}: an {@link EncryptedFileVault}.
 *
 * <table>
 *   <caption>Properties</caption>
 *   <tr><th>property</th><th>meaning</th><th>default</th></tr>
 *   <tr><td>{@code path}</td><td>vault file, relative to the data directory</td><td>{@code vault.json}</td></tr>
 *   <tr><td>{@code passphrase-env}</td><td>name of the environment variable holding the passphrase</td><td rowspan="2">one of the two is required</td></tr>
 *   <tr><td>{@code passphrase-file}</td><td>file (relative to the data directory) holding the passphrase; must be owner-only (chmod 600)</td></tr>
 *   <tr><td>{@code create-if-missing}</td><td>create an empty vault if the file does not exist</td><td>{@code false}</td></tr>
 *   <tr><td>{@code argon2-memory-kib}, {@code argon2-iterations}, {@code argon2-parallelism}</td><td>Argon2id cost when creating</td><td>19456, 2, 1</td></tr>
 * </table>
 *
 * <p>Stateless and thread-safe.
 */
public final class FileVaultProvider implements CredentialVaultProvider {

  /** The provider {@link java.util.ServiceLoader} instantiates. */
  public FileVaultProvider() {}

  @Override
  public String name() {
    return "file";
  }

  /**
   * Opens (or, if configured, creates) the vault.
   *
   * @throws ProviderException if a property is missing or invalid
   * @throws dev.breakglass.VaultException if the vault cannot be opened (wrong passphrase,
   *     corrupted file, locked after repeated failures)
   */
  @Override
  public CredentialVault create(ProviderContext context) {
    Path path = context.path("path").orElse(context.dataDirectory().resolve("vault.json"));
    boolean createIfMissing = context.bool("create-if-missing", false);
    Argon2Parameters kdf = kdf(context);
    char[] passphrase = context.requireSecret("passphrase", "the vault passphrase");
    try {
      if (Files.exists(path)) {
        return EncryptedFileVault.open(path, passphrase);
      }
      if (!createIfMissing) {
        throw context.problem("path", "the vault file " + path + " does not exist; create it with"
            + " EncryptedFileVault.create or set " + context.fullKey("create-if-missing") + "=true");
      }
      return EncryptedFileVault.create(path, passphrase, kdf);
    } finally {
      Arrays.fill(passphrase, '\0');
    }
  }

  static Argon2Parameters kdf(ProviderContext context) {
    Argon2Parameters d = Argon2Parameters.recommended();
    try {
      return Argon2Parameters.of(
          context.integer("argon2-memory-kib", d.memoryKiB()),
          context.integer("argon2-iterations", d.iterations()),
          context.integer("argon2-parallelism", d.parallelism()));
    } catch (IllegalArgumentException e) {
      throw context.problem(e.getMessage());
    }
  }
}
