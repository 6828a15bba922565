package dev.breakglass.spi;

/**
 * Checks whether the primary identity provider (or MFA provider) is healthy. The engine's monitor
 * calls {@link #check()} on a schedule and opens the emergency path after enough consecutive
 * failures. Implementations must bound their own running time and must not throw: a failure is a
 * result. Prove an implementation with {@code HealthProbeContract} from breakglass-tck.
 */
public interface HealthProbe extends AutoCloseable {
  /** A short name for messages, for example {@code oidc:https://login.example.com}. */
  String name();

  /** One check. Never throws; an exception inside becomes an unhealthy result. */
  ProbeResult check();

  @Override
  default void close() {}
}
