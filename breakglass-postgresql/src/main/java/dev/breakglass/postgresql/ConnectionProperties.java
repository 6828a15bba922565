package dev.breakglass.postgresql;

import dev.breakglass.spi.ProviderContext;
import java.time.Duration;
import java.util.Arrays;
import javax.sql.DataSource;

/**
 * The connection properties the audit sink and checkpoint witness providers share: {@code url},
 * {@code user}, {@code password-env} or {@code password-file} (never a clear-text
 * {@code password}), {@code connect-timeout}, {@code socket-timeout}.
 */
final class ConnectionProperties {
  private ConnectionProperties() {}

  static DataSource dataSource(ProviderContext context) {
    PostgresConnection.Builder b = PostgresConnection.builder();
    set(context, "url", () -> b.url(context.require("url").strip()));
    set(context, "user", () -> b.user(context.require("user").strip()));
    // Read once here so a missing variable or a readable-by-others file fails the start with its
    // property named; the copy kept for new connections is the only one.
    char[] password = context.requireSecret("password", "the PostgreSQL password");
    char[] kept = password.clone();
    Arrays.fill(password, '\0');
    b.password(() -> kept.clone());
    Duration connect = context.positiveDuration("connect-timeout", Duration.ofSeconds(10));
    set(context, "connect-timeout", () -> b.connectTimeout(connect));
    Duration socket = context.positiveDuration("socket-timeout", Duration.ofSeconds(30));
    set(context, "socket-timeout", () -> b.socketTimeout(socket));
    return b.build();
  }

  static void set(ProviderContext context, String key, Runnable setter) {
    try {
      setter.run();
    } catch (IllegalArgumentException e) {
      throw context.problem(key, e.getMessage(), e);
    }
  }
}
