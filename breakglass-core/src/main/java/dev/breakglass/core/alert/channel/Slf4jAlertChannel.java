package dev.breakglass.core.alert.channel;

import dev.breakglass.spi.Alert;
import dev.breakglass.spi.AlertChannel;
import dev.breakglass.spi.AlertDeliveryException;
import dev.breakglass.spi.Severity;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes alerts to SLF4J: {@code INFO} and {@code HIGH} at WARN level, {@code CRITICAL} at ERROR, on
 * the logger {@code dev.breakglass.alert} (or one you name). Always on in the embedded defaults so
 * that an alert reaches at least the application log. A log line is not proof that a person saw the
 * alert, so this channel does not {@linkplain #confirmsDelivery() confirm delivery}. Thread-safe.
 */
public final class Slf4jAlertChannel implements AlertChannel {
  /** The provider name. */
  public static final String NAME = "slf4j";

  private final Logger log;

  public Slf4jAlertChannel() {
    this("dev.breakglass.alert");
  }

  public Slf4jAlertChannel(String loggerName) {
    this(LoggerFactory.getLogger(loggerName));
  }

  /** Writes to {@code logger} (a test reads what it got). */
  Slf4jAlertChannel(Logger logger) {
    this.log = java.util.Objects.requireNonNull(logger, "logger");
  }

  /** Logging succeeds whether or not anyone reads the log. */
  @Override
  public boolean confirmsDelivery() {
    return false;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String toString() {
    return "Slf4jAlertChannel[" + log.getName() + "]";
  }

  /**
   * Logs the alert.
   *
   * @throws AlertDeliveryException (retryable) if the logging backend throws
   */
  @Override
  public void deliver(Alert alert) {
    String grant = alert.grantId() == null ? "" : " grant=" + alert.grantId();
    String account = alert.account() == null ? "" : " account=" + alert.account();
    try {
      if (alert.severity() == Severity.CRITICAL) {
        log.error("[breakglass {} {}] {}{}{} {} id={}", alert.severity(), alert.type(), alert.summary(), account,
            grant, alert.details(), alert.id());
      } else {
        log.warn("[breakglass {} {}] {}{}{} {} id={}", alert.severity(), alert.type(), alert.summary(), account,
            grant, alert.details(), alert.id());
      }
    } catch (RuntimeException e) {
      throw new AlertDeliveryException("logging backend of '" + log.getName() + "' failed: "
          + e.getClass().getName(), true, e);
    }
  }
}
