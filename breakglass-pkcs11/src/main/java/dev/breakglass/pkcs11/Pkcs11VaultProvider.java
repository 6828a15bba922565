package dev.breakglass.pkcs11;

import dev.breakglass.ProviderException;
import dev.breakglass.spi.CredentialVault;
import dev.breakglass.spi.CredentialVaultProvider;
import dev.breakglass.spi.ProviderContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.function.UnaryOperator;

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
 *   <tr><td>{@code pin-file}</td><td>file (relative to the data directory) holding the PIN; must not be world-readable</td></tr>
 *   <tr><td>{@code create-if-missing}</td><td>create the file, and the key if the token has none</td><td>{@code false}</td></tr>
 * </table>
 *
 * <p>Stateless and thread-safe.
 */
public final class Pkcs11VaultProvider implements CredentialVaultProvider {
  private final UnaryOperator<String> environment;

  public Pkcs11VaultProvider() {
    this(System::getenv);
  }

  Pkcs11VaultProvider(UnaryOperator<String> environment) {
    this.environment = environment;
  }

  @Override
  public String name() {
    return "pkcs11";
  }

  /**
   * Logs in to the token and opens the vault.
   *
   * @throws ProviderException if a property is missing or invalid
   * @throws dev.breakglass.VaultException if the token or the file cannot be used
   */
  @Override
  public CredentialVault create(ProviderContext context) {
    Path library = Path.of(context.require("library"));
    int slot = context.integer("slot-list-index", 0);
    if (slot < 0) {
      throw new ProviderException(name(), "provider 'pkcs11' property 'slot-list-index' must be >= 0, was " + slot);
    }
    Path file = context.dataDirectory().resolve(context.get("path").orElse("pkcs11-vault.json"));
    boolean create = flag(context, "create-if-missing");
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

  private boolean flag(ProviderContext context, String key) {
    Optional<String> raw = context.get(key);
    if (raw.isEmpty()) {
      return false;
    }
    switch (raw.get().toLowerCase(Locale.ROOT)) {
      case "true":
        return true;
      case "false":
        return false;
      default:
        throw new ProviderException(name(), "provider 'pkcs11' property '" + key + "' must be true or false, was '"
            + raw.get() + "'");
    }
  }

  private char[] pin(ProviderContext context) {
    Optional<String> env = context.get("pin-env");
    Optional<String> file = context.get("pin-file");
    if (env.isPresent() == file.isPresent()) {
      throw new ProviderException(name(), "provider 'pkcs11' needs exactly one of 'pin-env' (the name of an"
          + " environment variable holding the user PIN) and 'pin-file' (a file holding it)");
    }
    if (env.isPresent()) {
      String value = environment.apply(env.get());
      if (value == null || value.isEmpty()) {
        throw new ProviderException(name(), "provider 'pkcs11': the environment variable '" + env.get()
            + "' named by 'pin-env' is not set or empty");
      }
      return value.toCharArray();
    }
    Path path = context.dataDirectory().resolve(file.get());
    byte[] bytes = null;
    try {
      PosixFileAttributeView posix = Files.getFileAttributeView(path, PosixFileAttributeView.class);
      if (posix != null && Files.exists(path)
          && posix.readAttributes().permissions().contains(PosixFilePermission.OTHERS_READ)) {
        throw new ProviderException(name(), "provider 'pkcs11': the PIN file " + path
            + " is readable by every user; restrict it, e.g. chmod 600");
      }
      bytes = Files.readAllBytes(path);
      int length = bytes.length;
      while (length > 0 && (bytes[length - 1] == '\n' || bytes[length - 1] == '\r')) {
        length--;
      }
      if (length == 0) {
        throw new ProviderException(name(), "provider 'pkcs11': the PIN file " + path + " is empty");
      }
      char[] pin = new char[length];
      for (int i = 0; i < length; i++) {
        if (bytes[i] < 0x20 || bytes[i] > 0x7e) {
          Arrays.fill(pin, '\0');
          throw new ProviderException(name(), "provider 'pkcs11': the PIN file " + path + " must hold printable ASCII");
        }
        pin[i] = (char) bytes[i];
      }
      return pin;
    } catch (IOException e) {
      throw new ProviderException(name(), "provider 'pkcs11': cannot read the PIN file " + path + ": " + e, e);
    } finally {
      if (bytes != null) {
        Arrays.fill(bytes, (byte) 0);
      }
    }
  }
}
