package dev.breakglass.postgresql;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Connection settings for the PostgreSQL audit sink and checkpoint witness when the host does not
 * hand in its own {@link DataSource}: a JDBC URL without a password, a user, the password from a
 * supplier (an environment variable or an owner-only file, read for every new connection so the
 * password can be rotated without a restart), and timeouts. Every connection gets the connect and
 * socket timeouts, so a database that stops answering fails an append within the socket timeout
 * instead of hanging it.
 *
 * <pre>{@code
 * DataSource db = PostgresConnection.builder()
 *     .url("jdbc:postgresql://db.internal:5432/breakglass")
 *     .user("breakglass")
 *     .password(() -> System.getenv("BREAKGLASS_DB_PASSWORD").toCharArray())
 *     .build();
 * }</pre>
 *
 * <p>No pool: the audit sink writes through one connection per instance (group commit), the
 * witness opens one per checkpoint. Hosts that pool connections hand in their pool instead.
 * The built {@link DataSource} is immutable and thread-safe.
 */
public final class PostgresConnection {
  private PostgresConnection() {}

  /** A new builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** Configures the connection; validates each value as it is set. Not thread-safe. */
  public static final class Builder {
    private @Nullable String url;
    private @Nullable String user;
    private @Nullable Supplier<char[]> password;
    private Duration connectTimeout = Duration.ofSeconds(10);
    private Duration socketTimeout = Duration.ofSeconds(30);

    private Builder() {}

    /**
     * The JDBC URL, {@code jdbc:postgresql://host:port/database}. It must not carry a password.
     *
     * @throws IllegalArgumentException if it is not a PostgreSQL JDBC URL or holds a password
     */
    public Builder url(String url) {
      Objects.requireNonNull(url, "url");
      if (!url.startsWith("jdbc:postgresql:")) {
        throw new IllegalArgumentException("must be a jdbc:postgresql: URL, was '" + url.replaceAll("\\?.*", "?...") + "'");
      }
      if (url.toLowerCase(java.util.Locale.ROOT).contains("password=")) {
        throw new IllegalArgumentException("the URL must not hold a password; use password-env or password-file");
      }
      this.url = url;
      return this;
    }

    /** The user to log in as. */
    public Builder user(String user) {
      Objects.requireNonNull(user, "user");
      if (user.isBlank()) {
        throw new IllegalArgumentException("user must not be blank");
      }
      this.user = user;
      return this;
    }

    /** Where the password comes from; called for every new connection, the array is wiped after use. */
    public Builder password(Supplier<char[]> password) {
      this.password = Objects.requireNonNull(password, "password");
      return this;
    }

    /** Timeout for opening a connection and logging in. Default 10 s; whole seconds, at least 1. */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = seconds(timeout, "connectTimeout");
      return this;
    }

    /** Timeout for each reply of the server. Default 30 s; whole seconds, at least 1. */
    public Builder socketTimeout(Duration timeout) {
      this.socketTimeout = seconds(timeout, "socketTimeout");
      return this;
    }

    /**
     * The data source.
     *
     * @throws IllegalStateException if the URL or user is missing
     */
    public DataSource build() {
      if (url == null || user == null) {
        throw new IllegalStateException("url and user are required");
      }
      return new Source(url, user, password, (int) connectTimeout.toSeconds(), (int) socketTimeout.toSeconds());
    }

    private static Duration seconds(Duration d, String name) {
      Objects.requireNonNull(d, name);
      if (d.toSeconds() < 1) {
        throw new IllegalArgumentException(name + " must be at least 1 second, was " + d);
      }
      return d;
    }
  }

  private static final class Source implements DataSource {
    private final String url;
    private final String user;
    private final @Nullable Supplier<char[]> password;
    private final int connectTimeout;
    private final int socketTimeout;

    Source(String url, String user, @Nullable Supplier<char[]> password, int connectTimeout, int socketTimeout) {
      this.url = url;
      this.user = user;
      this.password = password;
      this.connectTimeout = connectTimeout;
      this.socketTimeout = socketTimeout;
    }

    @Override
    public Connection getConnection() throws SQLException {
      PGSimpleDataSource ds = new PGSimpleDataSource();
      ds.setURL(url);
      ds.setConnectTimeout(connectTimeout);
      ds.setLoginTimeout(connectTimeout);
      ds.setSocketTimeout(socketTimeout);
      ds.setApplicationName("breakglass");
      if (password == null) {
        return ds.getConnection(user, null);
      }
      char[] secret = password.get();
      try {
        return ds.getConnection(user, new String(secret));
      } finally {
        Arrays.fill(secret, '\0');
      }
    }

    @Override
    public Connection getConnection(String username, String pw) throws SQLException {
      throw new SQLFeatureNotSupportedException("this data source logs in as its configured user only");
    }

    @Override
    public @Nullable PrintWriter getLogWriter() {
      return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {}

    @Override
    public void setLoginTimeout(int seconds) {}

    @Override
    public int getLoginTimeout() {
      return connectTimeout;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
      throw new SQLFeatureNotSupportedException();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
      throw new SQLException("not a wrapper");
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
      return false;
    }

    @Override
    public String toString() {
      return "PostgresConnection[" + url.replaceAll("\\?.*", "") + ", user " + user + "]";
    }
  }
}
