package dev.breakglass.pkcs11;

import dev.breakglass.spi.CredentialVault;
import dev.breakglass.spi.CredentialVaultProvider;
import dev.breakglass.spi.ProviderContext;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Provider {@code pkcs11}: a {@link Pkcs11Vault}.
 *
 * <table>
 *   <caption>Properties</caption>
 *   <tr><th>property</th><th>meaning</th><th>default</th></tr>
 *   <tr><td>{@code library}</td><td>path of the token's PKCS#11 module</td><td>required</td></tr>
 *   <tr><td>{@code slot-list-index}</td><td>index of the slot in the module's slot list</td><td>0</td></tr>
 *   <tr><td>{@code key-label}</td><td>label of the vault key on the token</td><td>{@code breakglass-vault}</td></tr>
 *   <tr><td>{@code path}</td><td>file of encrypted credentials, relative to the data directory</td><td>{@code pkcs11-vault.json}</td></tr>
 *   <tr><td>{@code pin-env}</td><td>name of the environment variable holding the user PIN</td><td rowspan="2">one of the two is required</td></tr>
 *   <tr><td>{@code pin-file}</td><td>file (relative to the data directory) holding the PIN; must be owner-only (chmod 600)</td></tr>
 *   <tr><td>{@code create-if-missing}</td><td>create the file, and the key if the token has none</td><td>{@code false}</td></tr>
 * </table>
 *
 * <p>Stateless and thread-safe.
 */
public final class Pkcs11VaultProvider implements CredentialVaultProvider {
  /** The provider {@link java.util.ServiceLoader} instantiates. */
  public Pkcs11VaultProvider() {}

  @Override
  public String name() {
    return "pkcs11";
  }

  /**
   * Logs in to the token and opens the vault.
   *
   * @throws dev.breakglass.ProviderException if a property is missing or invalid
   * @throws dev.breakglass.VaultException if the token or the file cannot be used
   */
  @Override
  public CredentialVault create(ProviderContext context) {
    Path library = Path.of(context.require("library"));
    int slot = context.integer("slot-list-index", 0);
    if (slot < 0) {
      throw context.problem("slot-list-index", "must be >= 0, was " + slot);
    }
    Path file = context.path("path").orElse(context.dataDirectory().resolve("pkcs11-vault.json"));
    boolean create = context.bool("create-if-missing", false);
    char[] pin = pin(context);
    try {
      return Pkcs11Vault.builder()
          .library(library)
          .slotListIndex(slot)
          .keyLabel(context.get("key-label").orElse(Pkcs11Vault.DEFAULT_KEY_LABEL))
          .file(file)
          .createIfMissing(create)
          .open(pin);
    } finally {
      Arrays.fill(pin, '\0');
    }
  }

  private static char[] pin(ProviderContext context) {
    char[] pin = context.requireSecret("pin", "the user PIN");
    for (char c : pin) {
      if (c < 0x20 || c > 0x7e) {
        Arrays.fill(pin, '\0');
        throw context.problem("pin", "the user PIN must be printable ASCII");
      }
    }
    return pin;
  }
}
