package dev.breakglass.core.vault;

import dev.breakglass.ProviderException;
import dev.breakglass.spi.ProviderContext;
import dev.breakglass.spi.SecretFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * Reads a vault passphrase as the vault providers are configured: {@code passphrase-env} names an
 * environment variable, {@code passphrase-file} a file whose content (minus a trailing newline) is
 * the passphrase. The passphrase itself is never a configuration property. Stateless.
 */
final class ProviderPassphrase {
  static final String ENV = "passphrase-env";
  static final String FILE = "passphrase-file";

  private ProviderPassphrase() {}

  /**
   * The configured passphrase; the caller wipes it.
   *
   * @param environment looks up environment variables ({@code System::getenv} outside tests)
   * @throws ProviderException naming the missing or bad property
   */
  static char[] read(ProviderContext context, UnaryOperator<String> environment) {
    String provider = context.providerName();
    Optional<String> env = context.get(ENV);
    Optional<String> file = context.get(FILE);
    if (env.isPresent() && file.isPresent()) {
      throw new ProviderException(provider, "provider '" + provider + "': set only one of '" + ENV + "' and '" + FILE + "'");
    }
    if (env.isPresent()) {
      // An environment variable is a String already; this copy is the only one we control.
      String value = environment.apply(env.get());
      if (value == null || value.isEmpty()) {
        throw new ProviderException(provider, "provider '" + provider + "': the environment variable '" + env.get()
            + "' named by '" + ENV + "' is not set or empty");
      }
      return value.toCharArray();
    }
    if (file.isPresent()) {
      return fromFile(provider, context.dataDirectory().resolve(file.get()));
    }
    throw new ProviderException(provider, "provider '" + provider + "' needs the property '" + ENV
        + "' (the name of an environment variable holding the passphrase) or '" + FILE
        + "' (a file holding it)");
  }

  private static char[] fromFile(String provider, Path path) {
    try {
      PosixFileAttributeView posix = Files.getFileAttributeView(path, PosixFileAttributeView.class);
      if (posix != null && Files.exists(path)) {
        Set<PosixFilePermission> perms = posix.readAttributes().permissions();
        if (perms.contains(PosixFilePermission.OTHERS_READ)) {
          throw new ProviderException(provider, "provider '" + provider + "': the passphrase file " + path
              + " is readable by every user (" + PosixFilePermissions.toString(perms) + "); restrict it, e.g. chmod 600");
        }
      }
    } catch (IOException e) {
      throw new ProviderException(provider, "provider '" + provider + "': cannot read the passphrase file " + path
          + " named by '" + FILE + "': " + e, e);
    }
    try {
      return SecretFiles.read(path, "passphrase");
    } catch (IllegalArgumentException e) {
      throw new ProviderException(provider, "provider '" + provider + "': " + e.getMessage()
          + " (named by '" + FILE + "')");
    }
  }

  /** The vault path: {@code path} (relative to the data directory), or {@code <dataDirectory>/<defaultName>}. */
  static Path vaultPath(ProviderContext context, String defaultName) {
    return context.dataDirectory().resolve(context.get("path").orElse(defaultName));
  }

  static boolean flag(ProviderContext context, String key, boolean defaultValue) {
    Optional<String> raw = context.get(key);
    if (raw.isEmpty()) {
      return defaultValue;
    }
    switch (raw.get().toLowerCase(java.util.Locale.ROOT)) {
      case "true":
        return true;
      case "false":
        return false;
      default:
        throw new ProviderException(context.providerName(), "provider '" + context.providerName() + "' property '"
            + key + "' must be true or false, was '" + raw.get() + "'");
    }
  }
}
