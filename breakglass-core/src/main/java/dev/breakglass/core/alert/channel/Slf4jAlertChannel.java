package dev.breakglass.core.alert.channel;

import dev.breakglass.spi.Alert;
import dev.breakglass.spi.AlertChannel;
import dev.breakglass.spi.AlertDeliveryException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes alerts to SLF4J, each at the level of its severity ({@code INFO} at INFO, {@code HIGH} at
 * WARN, {@code CRITICAL} at ERROR), on the logger {@code dev.breakglass.alert} (or one you name). Always on in the embedded defaults so
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

  /**
   * Whether SLF4J found a logging provider. Without one (or with the no-op provider) every log line,
   * and so every alert this channel delivers, is discarded.
   */
  public static boolean hasLoggingProvider() {
    return !(LoggerFactory.getILoggerFactory() instanceof org.slf4j.helpers.NOPLoggerFactory);
  }

  @Override
  public String toString() {
    return "Slf4jAlertChannel[" + log.getName() + "]";
  }

  /**
   * Logs the alert, its text {@linkplain Alert#inert() inert} so that it cannot forge a log line.
   *
   * @throws AlertDeliveryException (retryable) if the logging backend throws
   */
  @Override
  public void deliver(Alert hostile) {
    Alert alert = hostile.inert();
    String grant = alert.grantId() == null ? "" : " grant=" + alert.grantId();
    String account = alert.account() == null ? "" : " account=" + alert.account();
    String format = "[breakglass {} {}] {}{}{} {} id={}";
    Object[] args = {alert.severity(), alert.type(), alert.summary(), account, grant, alert.details(), alert.id()};
    try {
      switch (alert.severity()) {
        case CRITICAL -> log.error(format, args);
        case HIGH -> log.warn(format, args);
        default -> log.info(format, args);
      }
    } catch (RuntimeException e) {
      throw new AlertDeliveryException("logging backend of '" + log.getName() + "' failed: "
          + e.getClass().getName(), true, e);
    }
  }
}
