package dev.breakglass.spi;

/**
 * Delivers alerts to people: a log, a webhook, e-mail, syslog, a pager. Implementations must be
 * thread-safe and should bound how long {@link #deliver} can block. Prove an implementation with
 * {@code AlertChannelContract} from breakglass-tck.
 */
public interface AlertChannel extends AutoCloseable {
  /** A short name for messages and routing, for example {@code slf4j} or {@code webhook}. */
  String name();

  /**
   * Delivers one alert, or throws.
   *
   * @throws AlertDeliveryException if the alert was not delivered (the dispatcher may retry)
   */
  void deliver(Alert alert);

  @Override
  default void close() {}
}
