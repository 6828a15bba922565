package dev.breakglass.postgresql;

import dev.breakglass.BreakGlassException;
import dev.breakglass.Credential;
import dev.breakglass.ReasonCode;
import dev.breakglass.spi.CredentialRotator;
import dev.breakglass.spi.CredentialVault;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.postgresql.Driver;
import org.postgresql.util.PasswordUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rotates the password of a PostgreSQL role that serves as a break-glass account: sets a fresh
 * random password at the server with {@code ALTER ROLE}, stores it in the vault, and ends the
 * role's open sessions, so that whoever held the released password can neither log in again nor
 * stay logged in.
 *
 * <pre>{@code
 * CredentialRotator rotator = PostgresRoleRotator.builder()
 *     .url("jdbc:postgresql://db.internal:5432/app")
 *     .adminUser("breakglass_rotator")                 // needs CREATEROLE (and pg_signal_backend)
 *     .adminPasswordFromFile(Path.of("/run/secrets/pg-rotator"))
 *     .role("db-emergency", "app_emergency")           // break-glass account -> role
 *     .build();
 * rotator.rotate("db-emergency", vault);
 * }</pre>
 *
 * <h2>What reaches the server</h2>
 * The new password never leaves this process in clear text: it is turned into a SCRAM-SHA-256
 * verifier here (as {@code psql}'s {@code \password} does) and the statement sent is {@code ALTER
 * ROLE "role" PASSWORD 'SCRAM-SHA-256$4096:...'}. Server logs, {@code pg_stat_statements} and
 * error reports therefore never hold the password. {@code ALTER ROLE} takes no bind parameters, so
 * the role name is quoted as an identifier and the verifier, whose characters are checked to be
 * base64 and separators only, is the literal. Passwords are drawn with {@link SecureRandom} from
 * letters and digits ({@value #MIN_PASSWORD_LENGTH} characters, about 190 bits, by default), so no
 * quoting question can arise for them anywhere. Role names are used exactly as given (they are
 * case-sensitive, as in {@code pg_roles.rolname}). The server must support SCRAM (PostgreSQL 10+).
 *
 * <h2>Order of steps, and what a failure leaves behind</h2>
 * <ol>
 *   <li>The vault must already hold a credential for the account; it is read first (and kept in
 *       memory for {@link OnVaultFailure#RESTORE}). An unsupported account, an unreadable vault, an
 *       unreachable server, a missing role or a refused {@code ALTER ROLE} fail here with nothing
 *       changed anywhere.
 *   <li>{@code ALTER ROLE} sets the new password at the server.
 *   <li>The vault stores it, with up to {@code vaultWriteAttempts} attempts. If every attempt
 *       fails, the server holds a password nobody knows, and {@link OnVaultFailure} decides:
 *       <ul>
 *         <li>{@link OnVaultFailure#LOCK} (the default) leaves it so: the role cannot log in until a
 *             rotation succeeds. The released password stays dead, which is the point of rotating.
 *             This is safe because the account is tainted (the engine grants it to nobody) until a
 *             rotation succeeds, and a later rotation needs only the admin connection, never the
 *             old password, so the engine's retry repairs it once the vault is writable again.
 *         <li>{@link OnVaultFailure#RESTORE} sets the previous password again, so the vault's
 *             credential works at the server once more; choose it where the role must stay usable
 *             with the vault's credential at all times, accepting that the released password
 *             works again until the retry succeeds.
 *       </ul>
 *       Either way {@code rotate} throws {@link ReasonCode#ROTATION_FAILED} with a message saying
 *       which state the role was left in, and logs it at ERROR.
 *   <li>Open sessions of the role are terminated ({@code pg_terminate_backend}; the admin needs
 *       {@code pg_signal_backend} or must be a member of the role). If that fails, the new
 *       password is already in force and stored, and {@code rotate} throws {@link
 *       ReasonCode#ROTATION_FAILED} so that the account stays tainted until sessions can be ended.
 * </ol>
 *
 * <h2>Secrets</h2>
 * No password appears in an exception message, a log line or {@link #toString()}. Generated and
 * previous passwords live in {@code char[]} that are wiped when {@code rotate} returns. JDBC takes
 * passwords as {@code String}, so the admin password (and the role password during {@link
 * #verify}) briefly exist as strings inside the driver; that copy cannot be wiped.
 *
 * <p>Immutable and thread-safe; each call opens and closes its own connection. Rotations of the
 * same account through one instance run one at a time; across processes (several nodes sharing a
 * vault) the caller must make sure only one rotation of an account runs at once.
 */
public final class PostgresRoleRotator implements CredentialRotator {
  /** The provider and rotator name. */
  public static final String NAME = "postgresql";
  /** The shortest generated password accepted, and the default. */
  public static final int MIN_PASSWORD_LENGTH = 32;
  /** The longest generated password accepted. */
  public static final int MAX_PASSWORD_LENGTH = 256;

  private static final Logger LOG = LoggerFactory.getLogger(PostgresRoleRotator.class);
  private static final Driver DRIVER = new Driver();
  /** PostgreSQL's limit on identifiers (NAMEDATALEN - 1), in bytes. */
  private static final int MAX_IDENTIFIER_BYTES = 63;
  private static final Pattern SCRAM_VERIFIER =
      Pattern.compile("SCRAM-SHA-256\\$[0-9]+:[A-Za-z0-9+/=]+\\$[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+");
  /** SQLSTATE class 28: invalid authorization specification (wrong password, no LOGIN, no such role). */
  private static final String AUTHORIZATION_FAILED_CLASS = "28";

  /** What to do when the server has the new password but the vault would not store it. */
  public enum OnVaultFailure {
    /** Leave the new, unstored password in force: the role is locked until a rotation succeeds. */
    LOCK,
    /** Set the previous password again, so that the vault's credential works at the server again. */
    RESTORE
  }

  private final String url;
  private final String adminUser;
  private final Supplier<char[]> adminPassword;
  private final Map<String, String> roles;
  /** One lock per account: two rotations of one account interleaving could leave vault and server apart. */
  private final Map<String, Object> accountLocks;
  private final PasswordGenerator generator;
  private final int vaultWriteAttempts;
  private final OnVaultFailure onVaultFailure;
  private final boolean terminateSessions;
  private final Duration connectTimeout;
  private final Duration socketTimeout;

  private PostgresRoleRotator(Builder b) {
    this.url = b.url;
    this.adminUser = b.adminUser;
    this.adminPassword = b.adminPassword;
    this.roles = Collections.unmodifiableMap(new LinkedHashMap<>(b.roles));
    Map<String, Object> locks = new LinkedHashMap<>();
    roles.keySet().forEach(account -> locks.put(account, new Object()));
    this.accountLocks = Collections.unmodifiableMap(locks);
    this.generator = new PasswordGenerator(b.random, b.passwordLength);
    this.vaultWriteAttempts = b.vaultWriteAttempts;
    this.onVaultFailure = b.onVaultFailure;
    this.terminateSessions = b.terminateSessions;
    this.connectTimeout = b.connectTimeout;
    this.socketTimeout = b.socketTimeout;
  }

  /** Starts a configuration; {@code url}, {@code adminUser}, an admin password source and one role are required. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public boolean supports(String account) {
    return roles.containsKey(account);
  }

  /** The role configured for {@code account}, if any. */
  public @Nullable String roleOf(String account) {
    return roles.get(account);
  }

  /**
   * Sets a fresh password for the role of {@code account}, stores it in {@code vault} and ends the
   * role's sessions (also when the vault failed, so that the released password's holder does not
   * stay logged in). See the class documentation for the order of steps and what each failure
   * leaves behind.
   *
   * @throws BreakGlassException with {@link ReasonCode#ROTATION_FAILED} if any step fails
   */
  @Override
  public void rotate(String account, CredentialVault vault) {
    Objects.requireNonNull(account, "account");
    Objects.requireNonNull(vault, "vault");
    String role = roles.get(account);
    if (role == null) {
      throw new BreakGlassException(ReasonCode.ROTATION_FAILED, "the postgresql rotator has no role for account '"
          + account + "'; configured accounts: " + new TreeSet<>(roles.keySet()));
    }
    synchronized (accountLocks.get(account)) {
      rotateLocked(account, role, vault);
    }
  }

  private void rotateLocked(String account, String role, CredentialVault vault) {
    char[] previous = readPrevious(account, vault);
    char[] fresh = generator.generate();
    try (Connection admin = connectAsAdmin(account)) {
      try {
        setPassword(admin, role, fresh);
      } catch (SQLException e) {
        throw failure(account, role, "the server refused the new password (" + describe(e) + "); nothing was changed",
            e);
      }
      BreakGlassException vaultFailure = storeInVault(account, fresh, vault);
      BreakGlassException failed =
          vaultFailure == null ? null : afterVaultFailure(admin, account, role, previous, vaultFailure);
      if (terminateSessions) {
        // Even when the vault failed: whoever held the released password must not stay logged in.
        try {
          terminateSessions(admin, account, role);
        } catch (BreakGlassException e) {
          if (failed == null) {
            failed = e;
          } else {
            failed.addSuppressed(e);
          }
        }
      }
      if (failed != null) {
        throw failed;
      }
      LOG.info("rotated the password of PostgreSQL role \"{}\" for break-glass account '{}'", role, account);
    } catch (SQLException e) {
      // Only closing the admin connection gets here; every step before has completed.
      LOG.warn("rotated role \"{}\" for account '{}', but closing the admin connection failed: {}", role, account,
          describe(e));
    } finally {
      Arrays.fill(fresh, '\0');
      Arrays.fill(previous, '\0');
    }
  }

  /**
   * Logs in as the role of {@code account} with the vault's current credential. Drills call this
   * to prove a pre-staged credential still works.
   *
   * @return {@code true} if the login succeeds, {@code false} if the server rejects the credential
   *     (wrong password, role without LOGIN, role gone)
   * @throws BreakGlassException with {@link ReasonCode#UNKNOWN_ACCOUNT} if no role is configured
   *     for the account, or {@link ReasonCode#PROVIDER_FAILURE} if the server cannot be reached, so
   *     that "credential stale" and "server down" are never confused
   * @throws dev.breakglass.VaultException if the vault cannot produce the credential
   */
  @Override
  public boolean verify(String account, CredentialVault vault) {
    String role = roles.get(account);
    if (role == null) {
      throw new BreakGlassException(ReasonCode.UNKNOWN_ACCOUNT, "the postgresql rotator has no role for account '"
          + account + "'; configured accounts: " + new TreeSet<>(roles.keySet()));
    }
    try (Credential credential = vault.read(account)) {
      try {
        connect(role, credential.secret()).close();
        return true;
      } catch (SQLException e) {
        if (isAuthorizationFailure(e)) {
          return false;
        }
        throw new BreakGlassException(ReasonCode.PROVIDER_FAILURE, "cannot check role \"" + role + "\" of account '"
            + account + "' at " + safeUrl() + ": " + describe(e), e);
      }
    }
  }

  @Override
  public String toString() {
    return "PostgresRoleRotator[url=" + safeUrl() + ", adminUser=" + adminUser + ", roles=" + roles
        + ", passwordLength=" + generator.length() + ", vaultWriteAttempts=" + vaultWriteAttempts
        + ", onVaultFailure=" + onVaultFailure + ", terminateSessions=" + terminateSessions + "]";
  }

  private char[] readPrevious(String account, CredentialVault vault) {
    try (Credential credential = vault.read(account)) {
      return credential.secret().clone();
    } catch (BreakGlassException e) {
      throw new BreakGlassException(ReasonCode.ROTATION_FAILED, "cannot rotate account '" + account
          + "': the vault has no readable credential for it (rotation replaces a stored credential); nothing was "
          + "changed", e);
    }
  }

  private Connection connectAsAdmin(String account) {
    char[] password;
    try {
      password = adminPassword.get();
    } catch (RuntimeException e) {
      throw new BreakGlassException(ReasonCode.ROTATION_FAILED, "cannot rotate account '" + account
          + "': no admin password: " + e.getMessage() + "; nothing was changed", e);
    }
    try {
      return connect(adminUser, password);
    } catch (SQLException e) {
      throw new BreakGlassException(ReasonCode.ROTATION_FAILED, "cannot rotate account '" + account
          + "': cannot connect to " + safeUrl() + " as admin user \"" + adminUser + "\" (" + describe(e)
          + "); nothing was changed", e);
    } finally {
      Arrays.fill(password, '\0');
    }
  }

  private Connection connect(String user, char[] password) throws SQLException {
    Properties properties = new Properties();
    properties.setProperty("user", user);
    properties.setProperty("password", new String(password));
    properties.setProperty("connectTimeout", Long.toString(Math.max(1, connectTimeout.toSeconds())));
    properties.setProperty("loginTimeout", Long.toString(Math.max(1, connectTimeout.toSeconds())));
    properties.setProperty("socketTimeout", Long.toString(Math.max(1, socketTimeout.toSeconds())));
    properties.setProperty("ApplicationName", "breakglass-rotator");
    Connection connection = DRIVER.connect(url, properties);
    if (connection == null) {
      throw new SQLException("the PostgreSQL driver does not accept the URL " + safeUrl(), "08001");
    }
    return connection;
  }

  private static void setPassword(Connection connection, String role, char[] password) throws SQLException {
    // encodeScramSha256 wipes the array it is given, so it gets a copy.
    String verifier = PasswordUtil.encodeScramSha256(password.clone());
    if (!SCRAM_VERIFIER.matcher(verifier).matches()) {
      throw new IllegalStateException("the PostgreSQL driver produced a SCRAM verifier of an unexpected form");
    }
    try (Statement statement = connection.createStatement()) {
      statement.execute("ALTER ROLE " + quoteIdentifier(role) + " PASSWORD '" + verifier + "'");
    }
  }

  private @Nullable BreakGlassException storeInVault(String account, char[] fresh, CredentialVault vault) {
    BreakGlassException last = null;
    for (int attempt = 1; attempt <= vaultWriteAttempts; attempt++) {
      try {
        vault.write(account, fresh);
        return null;
      } catch (BreakGlassException e) {
        LOG.warn("the vault did not store the new credential of account '{}' (attempt {} of {}): {}", account,
            attempt, vaultWriteAttempts, e.getMessage());
        if (last != null) {
          e.addSuppressed(last);
        }
        last = e;
      }
    }
    return last;
  }

  private BreakGlassException afterVaultFailure(Connection admin, String account, String role, char[] previous,
      BreakGlassException vaultFailure) {
    String stored = "the password of role \"" + role + "\" was changed at the server, but the vault did not store it in "
        + vaultWriteAttempts + " attempt(s)";
    if (onVaultFailure == OnVaultFailure.RESTORE) {
      try {
        setPassword(admin, role, previous);
        LOG.error("rotation of account '{}' failed: {}; the previous password was restored at the server, so the "
            + "vault's credential works again (and so does the released one) until a rotation succeeds", account, stored);
        return failure(account, role, stored + "; the previous password was restored at the server, so the vault's "
            + "credential works again until a rotation succeeds", vaultFailure);
      } catch (SQLException | RuntimeException e) {
        vaultFailure.addSuppressed(e);
        LOG.error("rotation of account '{}' failed: {}, and restoring the previous password failed too ({}); the "
            + "role is locked until a rotation succeeds", account, stored, e.getMessage());
        return failure(account, role, stored + ", and restoring the previous password failed too; the role cannot "
            + "log in until a rotation succeeds", vaultFailure);
      }
    }
    LOG.error("rotation of account '{}' failed: {}; the role is locked (neither the released nor any stored "
        + "password works) until a rotation succeeds", account, stored);
    return failure(account, role, stored + "; the role is locked (neither the released nor any stored password "
        + "works) until a rotation succeeds", vaultFailure);
  }

  private void terminateSessions(Connection admin, String account, String role) {
    String sql = "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity "
        + "WHERE usename = ? AND pid <> pg_backend_pid()";
    try (PreparedStatement statement = admin.prepareStatement(sql)) {
      statement.setString(1, role);
      try (ResultSet result = statement.executeQuery()) {
        long ended = result.next() ? result.getLong(1) : 0;
        if (ended > 0) {
          LOG.info("ended {} open session(s) of PostgreSQL role \"{}\" (account '{}')", ended, role, account);
        }
      }
    } catch (SQLException e) {
      throw failure(account, role, "the new password is in force and stored, but the role's open sessions could "
          + "not be ended (" + describe(e) + "); grant the admin user pg_signal_backend, or turn session "
          + "termination off", e);
    }
  }

  private BreakGlassException failure(String account, String role, String what, Exception cause) {
    return new BreakGlassException(ReasonCode.ROTATION_FAILED,
        "rotation of account '" + account + "' (PostgreSQL role \"" + role + "\" at " + safeUrl() + ") failed: " + what,
        cause);
  }

  private static boolean isAuthorizationFailure(SQLException e) {
    String state = e.getSQLState();
    return state != null && state.startsWith(AUTHORIZATION_FAILED_CLASS);
  }

  private static String describe(SQLException e) {
    return "SQLSTATE " + e.getSQLState() + ": " + e.getMessage();
  }

  /** The URL without its query string, which may carry settings an operator would not want echoed. */
  private String safeUrl() {
    int query = url.indexOf('?');
    return query < 0 ? url : url.substring(0, query);
  }

  /** Quotes {@code name} as a PostgreSQL identifier: wrapped in double quotes, inner quotes doubled. */
  static String quoteIdentifier(String name) {
    return '"' + name.replace("\"", "\"\"") + '"';
  }

  /** Builds a {@link PostgresRoleRotator}; each setter checks its argument at once. Not thread-safe. */
  public static final class Builder {
    private @Nullable String url;
    private @Nullable String adminUser;
    private @Nullable Supplier<char[]> adminPassword;
    private final Map<String, String> roles = new LinkedHashMap<>();
    private int passwordLength = MIN_PASSWORD_LENGTH;
    private int vaultWriteAttempts = 3;
    private OnVaultFailure onVaultFailure = OnVaultFailure.LOCK;
    private boolean terminateSessions = true;
    private Duration connectTimeout = Duration.ofSeconds(10);
    private Duration socketTimeout = Duration.ofSeconds(30);
    private SecureRandom random = new SecureRandom();

    private Builder() {}

    /**
     * The JDBC URL of the server, {@code jdbc:postgresql://host:port/database}; {@link #verify}
     * logs into this database as the role. Must not carry a password.
     */
    public Builder url(String url) {
      Objects.requireNonNull(url, "url");
      if (!url.startsWith("jdbc:postgresql:")) {
        throw new IllegalArgumentException("url must start with 'jdbc:postgresql:', was '" + redactQuery(url) + "'");
      }
      if (url.toLowerCase(Locale.ROOT).contains("password=")) {
        throw new IllegalArgumentException("url must not carry a password; give the admin password through an "
            + "environment variable or a file");
      }
      this.url = url;
      return this;
    }

    /** The role that runs {@code ALTER ROLE}: it needs CREATEROLE (or superuser) and, to end sessions, pg_signal_backend. */
    public Builder adminUser(String adminUser) {
      this.adminUser = checkRoleName(adminUser, "adminUser");
      return this;
    }

    /** Reads the admin password from the environment variable {@code name} at each connection. */
    public Builder adminPasswordFromEnv(String name) {
      return adminPasswordFromEnv(name, System::getenv);
    }

    Builder adminPasswordFromEnv(String name, Function<String, @Nullable String> env) {
      Objects.requireNonNull(name, "name");
      if (name.isBlank()) {
        throw new IllegalArgumentException("the admin password environment variable name must not be blank");
      }
      this.adminPassword = AdminPassword.fromEnv(name, env);
      return this;
    }

    /** Reads the admin password from {@code file} (UTF-8, one trailing line break ignored) at each connection. */
    public Builder adminPasswordFromFile(Path file) {
      this.adminPassword = AdminPassword.fromFile(Objects.requireNonNull(file, "file"));
      return this;
    }

    /**
     * Takes the admin password from {@code source} at each connection, for example from another
     * secret store. The rotator wipes each array it receives, so return a fresh one every call.
     */
    public Builder adminPassword(Supplier<char[]> source) {
      this.adminPassword = Objects.requireNonNull(source, "source");
      return this;
    }

    /** Maps break-glass {@code account} to PostgreSQL {@code role} (case-sensitive, used as given). */
    public Builder role(String account, String role) {
      Objects.requireNonNull(account, "account");
      if (account.isBlank()) {
        throw new IllegalArgumentException("account names must not be blank");
      }
      roles.put(account, checkRoleName(role, "role of account '" + account + "'"));
      return this;
    }

    /** Characters per generated password, {@value #MIN_PASSWORD_LENGTH} to {@value #MAX_PASSWORD_LENGTH}. */
    public Builder passwordLength(int passwordLength) {
      if (passwordLength < MIN_PASSWORD_LENGTH || passwordLength > MAX_PASSWORD_LENGTH) {
        throw new IllegalArgumentException("passwordLength must be between " + MIN_PASSWORD_LENGTH + " and "
            + MAX_PASSWORD_LENGTH + ", was " + passwordLength);
      }
      this.passwordLength = passwordLength;
      return this;
    }

    /** How often to try storing the new password in the vault before giving up, 1 to 10; default 3. */
    public Builder vaultWriteAttempts(int vaultWriteAttempts) {
      if (vaultWriteAttempts < 1 || vaultWriteAttempts > 10) {
        throw new IllegalArgumentException("vaultWriteAttempts must be between 1 and 10, was " + vaultWriteAttempts);
      }
      this.vaultWriteAttempts = vaultWriteAttempts;
      return this;
    }

    /** What to do if the vault will not store the new password; default {@link OnVaultFailure#LOCK}. */
    public Builder onVaultFailure(OnVaultFailure onVaultFailure) {
      this.onVaultFailure = Objects.requireNonNull(onVaultFailure, "onVaultFailure");
      return this;
    }

    /** Whether to end the role's open sessions after rotating; default {@code true}. */
    public Builder terminateSessions(boolean terminateSessions) {
      this.terminateSessions = terminateSessions;
      return this;
    }

    /** How long to wait for a connection and login; whole seconds, at least 1; default 10 s. */
    public Builder connectTimeout(Duration connectTimeout) {
      this.connectTimeout = positiveSeconds(connectTimeout, "connectTimeout");
      return this;
    }

    /** How long to wait for any one statement's reply; whole seconds, at least 1; default 30 s. */
    public Builder socketTimeout(Duration socketTimeout) {
      this.socketTimeout = positiveSeconds(socketTimeout, "socketTimeout");
      return this;
    }

    /** The source of generated passwords; a new {@link SecureRandom} by default. */
    public Builder random(SecureRandom random) {
      this.random = Objects.requireNonNull(random, "random");
      return this;
    }

    /** @throws IllegalArgumentException naming what is missing or inconsistent */
    public PostgresRoleRotator build() {
      if (url == null) {
        throw new IllegalArgumentException("url is required");
      }
      if (adminUser == null) {
        throw new IllegalArgumentException("adminUser is required");
      }
      if (adminPassword == null) {
        throw new IllegalArgumentException("an admin password source is required (environment variable or file)");
      }
      if (roles.isEmpty()) {
        throw new IllegalArgumentException("at least one account must be mapped to a role");
      }
      for (Map.Entry<String, String> entry : roles.entrySet()) {
        if (entry.getValue().equals(adminUser)) {
          throw new IllegalArgumentException("account '" + entry.getKey() + "' maps to the admin user \"" + adminUser
              + "\"; rotating it would lock the rotator out");
        }
      }
      return new PostgresRoleRotator(this);
    }

    private static String checkRoleName(String name, String what) {
      Objects.requireNonNull(name, what);
      if (name.isEmpty()) {
        throw new IllegalArgumentException(what + " must not be empty");
      }
      if (name.indexOf('\0') >= 0) {
        throw new IllegalArgumentException(what + " must not contain a NUL character");
      }
      if (name.getBytes(StandardCharsets.UTF_8).length > MAX_IDENTIFIER_BYTES) {
        throw new IllegalArgumentException(what + " '" + name + "' is longer than PostgreSQL's "
            + MAX_IDENTIFIER_BYTES + "-byte limit for names");
      }
      return name;
    }

    private static Duration positiveSeconds(Duration duration, String what) {
      Objects.requireNonNull(duration, what);
      if (duration.toSeconds() < 1) {
        throw new IllegalArgumentException(what + " must be at least 1 second, was " + duration);
      }
      return duration;
    }

    private static String redactQuery(String url) {
      int query = url.indexOf('?');
      return query < 0 ? url : url.substring(0, query) + "?...";
    }
  }
}
