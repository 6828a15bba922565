package dev.breakglass.spi;

/**
 * Delivers alerts to people: a log, a webhook, e-mail, syslog, a pager. Implementations must be
 * thread-safe and should bound how long {@link #deliver} can block. Prove an implementation with
 * {@code AlertChannelContract} from breakglass-tck.
 */
public interface AlertChannel extends AutoCloseable {
  /**
   * A short name for messages and routing, for example {@code slf4j} or {@code webhook}.
   *
   * @return the channel's name
   */
  String name();

  /**
   * Delivers one alert, or throws. Use {@link Alert#id()} as the idempotency key so a retried
   * alert is not shown twice.
   *
   * @param alert the alert to deliver
   * @throws AlertDeliveryException if the alert was not delivered (the dispatcher may retry)
   */
  void deliver(Alert alert);

  /**
   * Whether a normal return from {@link #deliver} means the alert reached a receiver that people
   * watch (a webhook answered 2xx, an SMTP server accepted the message). A channel that cannot know
   * (the local log, a UDP datagram) answers {@code false}, so that it never satisfies the policy
   * option "confirmed alert before release" on its own. Defaults to {@code true}.
   *
   * @return {@code true} if delivery is confirmed by the receiver
   */
  default boolean confirmsDelivery() {
    return true;
  }

  /** Releases the channel's resources (connections, threads). The default does nothing. */
  @Override
  default void close() {}
}
