package dev.breakglass.postgresql;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import org.postgresql.util.PasswordUtil;

/**
 * A real PostgreSQL server on loopback for the tests, from the embedded binaries on Maven Central.
 * Password logins use SCRAM-SHA-256 ({@code trust} would accept any password and prove nothing);
 * only the superuser {@code postgres}, which the tests use to arrange and inspect, is trusted.
 *
 * <p>It creates the rotator's admin role {@value #ADMIN} with CREATEROLE and pg_signal_backend
 * (not superuser), and writes its password to a file readable by the owner only.
 */
final class EmbeddedPostgresServer implements AutoCloseable {
  static final String ADMIN = "bg_rotator";

  private static final AtomicInteger ROLES = new AtomicInteger();
  private static final String HBA = String.join("\n",
      "local all all trust",
      "host all postgres 127.0.0.1/32 trust",
      "host all postgres ::1/128 trust",
      "host all all 127.0.0.1/32 scram-sha-256",
      "host all all ::1/128 scram-sha-256",
      "");
  private static EmbeddedPostgresServer shared;

  private final EmbeddedPostgres postgres;
  private final Path adminPasswordFile;
  private volatile Path dataDirectory;

  private EmbeddedPostgresServer() throws IOException, SQLException {
    this.postgres = EmbeddedPostgres.builder()
        .setServerConfig("password_encryption", "scram-sha-256")
        .setServerConfig("listen_addresses", "127.0.0.1")
        // The server's own log, in a file: every DDL statement (so every ALTER ROLE) and every error.
        .setServerConfig("logging_collector", "on")
        .setServerConfig("log_directory", "log")
        .setServerConfig("log_filename", "postgresql.log")
        .setServerConfig("log_statement", "ddl")
        .setDataDirectoryCustomizer(dir -> {
          dataDirectory = dir.toPath();
          try {
            Files.writeString(dir.toPath().resolve("pg_hba.conf"), HBA, StandardCharsets.UTF_8,
                StandardOpenOption.TRUNCATE_EXISTING);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        })
        .start();
    char[] adminPassword = randomPassword();
    this.adminPasswordFile = Files.createTempFile("bg-pg-admin", ".secret",
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    adminPasswordFile.toFile().deleteOnExit();
    Files.writeString(adminPasswordFile, new String(adminPassword) + "\n", StandardCharsets.UTF_8);
    superuser("CREATE ROLE " + ADMIN + " LOGIN CREATEROLE IN ROLE pg_signal_backend");
    setPassword(ADMIN, adminPassword);
  }

  /** One server for the whole test run, stopped when the JVM exits. */
  static synchronized EmbeddedPostgresServer shared() {
    if (shared == null) {
      shared = start();
    }
    return shared;
  }

  /** A server of its own, for a test that stops it. */
  static EmbeddedPostgresServer start() {
    try {
      return new EmbeddedPostgresServer();
    } catch (IOException | SQLException e) {
      throw new IllegalStateException("cannot start the embedded PostgreSQL server", e);
    }
  }

  String url() {
    return "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/postgres";
  }

  /** The server's log file, written by its logging collector. */
  Path serverLog() {
    return dataDirectory.resolve("log").resolve("postgresql.log");
  }

  /**
   * Waits until the server log contains {@code fragment} and returns the whole log. The server's
   * logger process writes on its own schedule, so the file is polled, for at most {@code timeout}.
   */
  String awaitServerLog(String fragment, java.time.Duration timeout) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      String log = Files.exists(serverLog()) ? Files.readString(serverLog(), StandardCharsets.UTF_8) : "";
      if (log.contains(fragment) || System.nanoTime() > deadline) {
        return log;
      }
      Thread.sleep(20);
    }
  }

  Path adminPasswordFile() {
    return adminPasswordFile;
  }

  /** A rotator builder pointing at this server with its admin role, file-based admin password. */
  PostgresRoleRotator.Builder rotatorBuilder() {
    return PostgresRoleRotator.builder().url(url()).adminUser(ADMIN).adminPasswordFromFile(adminPasswordFile)
        .connectTimeout(java.time.Duration.ofSeconds(5)).socketTimeout(java.time.Duration.ofSeconds(10));
  }

  /** Creates a login role with a unique name built from {@code hint}, with {@code password}. */
  String createRole(String hint, char[] password) {
    String role = hint + "_" + ROLES.incrementAndGet();
    superuser("CREATE ROLE " + PostgresRoleRotator.quoteIdentifier(role) + " LOGIN");
    setPassword(role, password);
    return role;
  }

  /** Sets {@code role}'s password as the superuser, sending only its SCRAM verifier. */
  void setPassword(String role, char[] password) {
    superuser("ALTER ROLE " + PostgresRoleRotator.quoteIdentifier(role) + " PASSWORD '"
        + PasswordUtil.encodeScramSha256(password.clone()) + "'");
  }

  /** Whether {@code role} can log in over TCP with {@code password}. */
  boolean canLogin(String role, char[] password) {
    try (Connection ignored = connect(role, password)) {
      return ignored.isValid(5);
    } catch (SQLException e) {
      if (e.getSQLState() != null && e.getSQLState().startsWith("28")) {
        return false;
      }
      throw new IllegalStateException("unexpected failure logging in as " + role + ": " + e.getSQLState(), e);
    }
  }

  Connection connect(String role, char[] password) throws SQLException {
    Properties properties = new Properties();
    properties.setProperty("user", role);
    properties.setProperty("password", new String(password));
    return DriverManager.getConnection(url(), properties);
  }

  /** What {@code pg_authid} stores as {@code role}'s password. */
  String storedPassword(String role) {
    try (Connection c = superuserConnection();
        PreparedStatement s = c.prepareStatement("SELECT rolpassword FROM pg_authid WHERE rolname = ?")) {
      s.setString(1, role);
      try (ResultSet r = s.executeQuery()) {
        return r.next() ? r.getString(1) : null;
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  void superuser(String sql) {
    try (Connection c = superuserConnection(); Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException("superuser statement failed: " + e.getMessage(), e);
    }
  }

  private Connection superuserConnection() throws SQLException {
    return DriverManager.getConnection(url(), "postgres", "");
  }

  static char[] randomPassword() {
    return new PasswordGenerator(new SecureRandom(), 32).generate();
  }

  /** Stops the server (the admin password file stays, so a rotator still gets as far as connecting). */
  void stop() {
    try {
      postgres.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    try {
      postgres.close();
      Files.deleteIfExists(adminPasswordFile);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
