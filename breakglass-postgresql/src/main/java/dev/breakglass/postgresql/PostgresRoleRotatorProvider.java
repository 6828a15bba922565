package dev.breakglass.postgresql;

import dev.breakglass.spi.CredentialRotator;
import dev.breakglass.spi.CredentialRotatorProvider;
import dev.breakglass.spi.ProviderContext;
import dev.breakglass.spi.SecretFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Creates a {@link PostgresRoleRotator} from configuration. Provider name {@value
 * PostgresRoleRotator#NAME}.
 *
 * <table>
 *   <caption>Properties</caption>
 *   <tr><th>key</th><th>meaning</th><th>default</th></tr>
 *   <tr><td>{@code url}</td><td>JDBC URL, {@code jdbc:postgresql://host:port/database}, without a
 *       password</td><td>required</td></tr>
 *   <tr><td>{@code admin-user}</td><td>role that runs {@code ALTER ROLE} (CREATEROLE, and
 *       pg_signal_backend to end sessions)</td><td>required</td></tr>
 *   <tr><td>{@code admin-password-env}</td><td>name of the environment variable holding the admin
 *       password</td><td rowspan="2">exactly one of the two</td></tr>
 *   <tr><td>{@code admin-password-file}</td><td>path of a file holding the admin password (UTF-8,
 *       trailing line break ignored)</td></tr>
 *   <tr><td>{@code role.<account>}</td><td>the PostgreSQL role of break-glass account {@code
 *       <account>}, case-sensitive; one entry per account</td><td>at least one</td></tr>
 *   <tr><td>{@code password-length}</td><td>characters per generated password, 32 to 256</td><td>32</td></tr>
 *   <tr><td>{@code vault-write-attempts}</td><td>tries to store the new password, 1 to 10</td><td>3</td></tr>
 *   <tr><td>{@code on-vault-failure}</td><td>{@code lock} or {@code restore}, see {@link
 *       PostgresRoleRotator.OnVaultFailure}</td><td>{@code lock}</td></tr>
 *   <tr><td>{@code terminate-sessions}</td><td>end the role's open sessions after rotating</td><td>{@code true}</td></tr>
 *   <tr><td>{@code connect-timeout}</td><td>connection and login timeout ({@code 10s}, {@code PT10S})</td><td>10s</td></tr>
 *   <tr><td>{@code socket-timeout}</td><td>timeout for each statement's reply</td><td>30s</td></tr>
 * </table>
 *
 * <p>A clear-text {@code admin-password} property is refused: configuration files are copied,
 * logged and committed far more often than secrets should be.
 */
public final class PostgresRoleRotatorProvider implements CredentialRotatorProvider {
  private static final String ROLE_PREFIX = "role.";

  private final Function<String, @Nullable String> env;

  /** Used by {@link java.util.ServiceLoader}; reads environment variables from the process. */
  public PostgresRoleRotatorProvider() {
    this(System::getenv);
  }

  PostgresRoleRotatorProvider(Function<String, @Nullable String> env) {
    this.env = env;
  }

  @Override
  public String name() {
    return PostgresRoleRotator.NAME;
  }

  @Override
  public CredentialRotator create(ProviderContext context) {
    if (context.get("admin-password").isPresent()) {
      throw context.problem("admin-password", "a clear-text password is not accepted; use '"
          + context.fullKey("admin-password-env") + "' (an environment variable name) or '"
          + context.fullKey("admin-password-file") + "' (a path)");
    }
    PostgresRoleRotator.Builder builder = PostgresRoleRotator.builder();
    apply(context, "url", () -> builder.url(context.require("url")));
    apply(context, "admin-user", () -> builder.adminUser(context.require("admin-user")));

    String envName = context.get("admin-password-env").orElse(null);
    Path file = context.path("admin-password-file").orElse(null);
    if ((envName == null) == (file == null)) {
      throw context.problem("needs exactly one of '" + context.fullKey("admin-password-env") + "' and '"
          + context.fullKey("admin-password-file") + "'");
    }
    if (envName != null) {
      String value = env.apply(envName);
      if (value == null || value.isEmpty()) {
        throw context.problem("admin-password-env", "names the environment variable " + envName
            + ", which is not set or empty");
      }
      builder.adminPasswordFromEnv(envName, env);
    } else {
      if (!Files.isReadable(file)) {
        throw context.problem("admin-password-file", file + " does not exist or is not readable");
      }
      try {
        SecretFiles.checkOwnerOnly(file, "PostgreSQL admin password");
      } catch (IllegalArgumentException | IOException e) {
        throw context.problem("admin-password-file", e.getMessage(), e);
      }
      builder.adminPasswordFromFile(file);
    }

    int mapped = 0;
    for (Map.Entry<String, String> entry : context.properties().entrySet()) {
      if (entry.getKey().startsWith(ROLE_PREFIX)) {
        String account = entry.getKey().substring(ROLE_PREFIX.length());
        String role = entry.getValue().strip();
        apply(context, entry.getKey(), () -> builder.role(account, role));
        mapped++;
      }
    }
    if (mapped == 0) {
      throw context.problem("needs at least one '" + context.fullKey(ROLE_PREFIX)
          + "<account>' property mapping a break-glass account to a PostgreSQL role");
    }

    int length = context.integer("password-length", PostgresRoleRotator.MIN_PASSWORD_LENGTH);
    apply(context, "password-length", () -> builder.passwordLength(length));
    int attempts = context.integer("vault-write-attempts", 3);
    apply(context, "vault-write-attempts", () -> builder.vaultWriteAttempts(attempts));
    String policy = context.get("on-vault-failure").orElse("lock");
    apply(context, "on-vault-failure", () -> builder.onVaultFailure(onVaultFailure(policy)));
    builder.terminateSessions(context.bool("terminate-sessions", true));
    Duration connectTimeout = context.positiveDuration("connect-timeout", Duration.ofSeconds(10));
    apply(context, "connect-timeout", () -> builder.connectTimeout(connectTimeout));
    Duration socketTimeout = context.positiveDuration("socket-timeout", Duration.ofSeconds(30));
    apply(context, "socket-timeout", () -> builder.socketTimeout(socketTimeout));

    try {
      return builder.build();
    } catch (IllegalArgumentException e) {
      throw context.problem(e.getMessage());
    }
  }

  private static PostgresRoleRotator.OnVaultFailure onVaultFailure(String value) {
    switch (value.toLowerCase(Locale.ROOT)) {
      case "lock": return PostgresRoleRotator.OnVaultFailure.LOCK;
      case "restore": return PostgresRoleRotator.OnVaultFailure.RESTORE;
      default: throw new IllegalArgumentException("must be 'lock' or 'restore', was '" + value + "'");
    }
  }

  private static void apply(ProviderContext context, String key, Runnable setter) {
    try {
      setter.run();
    } catch (IllegalArgumentException e) {
      throw context.problem(key, e.getMessage(), e);
    }
  }
}
