package dev.breakglass.spi;

/**
 * Checks whether the primary identity provider (or MFA provider) is healthy. The engine's monitor
 * calls {@link #check()} on a schedule and opens the emergency path after enough consecutive
 * failures. Implementations must bound their own running time and must not throw: a failure is a
 * result. Prove an implementation with {@code HealthProbeContract} from breakglass-tck.
 */
public interface HealthProbe extends AutoCloseable {
  /**
   * A short name for messages, for example {@code oidc:https://login.example.com}.
   *
   * @return the probe's name
   */
  String name();

  /**
   * One check. Never throws; an exception inside becomes an unhealthy result.
   *
   * @return whether the primary answered correctly, with what was seen and how long it took
   */
  ProbeResult check();

  /** Releases the probe's resources (HTTP clients). The default does nothing. */
  @Override
  default void close() {}
}
