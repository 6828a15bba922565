package dev.breakglass.postgresql;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

/**
 * A fresh database on an embedded server, owned by a login role of its own with a SCRAM password
 * kept in an owner-only file: what an operator would give the audit sink.
 */
final class TestDatabase {
  private static final AtomicInteger COUNT = new AtomicInteger();

  final EmbeddedPostgresServer server;
  final String name;
  final String user;
  final String url;
  final Path passwordFile;

  private TestDatabase(EmbeddedPostgresServer server, String name, String user, String url, Path passwordFile) {
    this.server = server;
    this.name = name;
    this.user = user;
    this.url = url;
    this.passwordFile = passwordFile;
  }

  static TestDatabase create(EmbeddedPostgresServer server, String hint) {
    char[] password = EmbeddedPostgresServer.randomPassword();
    String user = server.createRole(hint + "_owner", password);
    String name = hint + "_db_" + COUNT.incrementAndGet();
    server.superuser("CREATE DATABASE " + name + " OWNER " + PostgresRoleRotator.quoteIdentifier(user));
    String url = server.url().substring(0, server.url().lastIndexOf('/') + 1) + name;
    try {
      Path file = Files.createTempFile("bg-pg-" + hint, ".secret",
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      file.toFile().deleteOnExit();
      Files.writeString(file, new String(password) + "\n", StandardCharsets.UTF_8);
      return new TestDatabase(server, name, user, url, file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A data source logging in as the owner with the password from the file, short timeouts. */
  DataSource dataSource() {
    return PostgresConnection.builder().url(url).user(user)
        .password(() -> {
          try {
            return Files.readString(passwordFile, StandardCharsets.UTF_8).strip().toCharArray();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        })
        .connectTimeout(Duration.ofSeconds(5)).socketTimeout(Duration.ofSeconds(10)).build();
  }

  /** Runs {@code sql} as the owner. */
  void execute(String sql) {
    try (Connection c = dataSource().getConnection(); Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException(sql + ": " + e.getMessage(), e);
    }
  }

  /** The single number {@code sql} returns. */
  long number(String sql) {
    try (Connection c = dataSource().getConnection(); Statement s = c.createStatement();
        var r = s.executeQuery(sql)) {
      r.next();
      return r.getLong(1);
    } catch (SQLException e) {
      throw new IllegalStateException(sql + ": " + e.getMessage(), e);
    }
  }
}
