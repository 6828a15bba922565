package dev.breakglass.core.internal;

import dev.breakglass.AuthenticatedPrincipal;
import dev.breakglass.AuthenticationFailedException;
import dev.breakglass.Authenticator;
import dev.breakglass.LoginAttempt;
import dev.breakglass.PrimaryUnavailableException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.net.http.HttpTimeoutException;
import java.util.concurrent.TimeoutException;

/**
 * The authentication wrapper. While no emergency is open the primary is called directly after one
 * volatile read; nothing else happens on that path unless the primary fails. Its infrastructure
 * failures are passive health signals for the {@link EmergencyMonitor}. A break-glass account
 * that the primary rejects then is a use outside an emergency: refused with a critical alert.
 * During an emergency, break-glass accounts authenticate through their active grant. When the
 * primary fails with an infrastructure error outside an emergency, a break-glass login is a use
 * outside an emergency too (unless its account does not require one).
 *
 * <p>A refused break-glass login tells the caller nothing the primary would not: outside an
 * emergency the caller gets the primary's own answer, during one a single uniform refusal
 * ({@link EmergencyLogins}); the precise reason is only in the audit log.
 */
final class Guard implements Authenticator {
  private final Authenticator primary;
  private final Engine engine;
  private final EmergencyMonitor monitor;

  Guard(Authenticator primary, Engine engine, EmergencyMonitor monitor) {
    this.primary = primary;
    this.engine = engine;
    this.monitor = monitor;
  }

  @Override
  public AuthenticatedPrincipal authenticate(LoginAttempt attempt) {
    int mode = monitor.mode();
    if ((mode & EmergencyMonitor.EMERGENCY) == 0) {
      AuthenticatedPrincipal principal;
      try {
        principal = primary.authenticate(attempt);
      } catch (AuthenticationFailedException rejected) {
        if (mode != 0) {
          monitor.primaryAnswered();
        }
        if (engine.isBreakGlassAccount(attempt.username())) {
          throw engine.useOutsideEmergency(attempt, rejected);
        }
        throw rejected;
      } catch (RuntimeException failure) {
        if (!isInfrastructureFailure(failure)) {
          throw failure;
        }
        monitor.primaryFailed();
        if (engine.isBreakGlassAccount(attempt.username())) {
          return engine.emergencyLogin(attempt, failure);
        }
        throw failure;
      }
      if (mode != 0) {
        monitor.primaryAnswered();
      }
      return principal;
    }
    if (engine.isBreakGlassAccount(attempt.username())) {
      return engine.emergencyLogin(attempt, null);
    }
    return primary.authenticate(attempt);
  }

  /** Timeouts, refused connections and explicit unavailability; never a plain rejection. */
  static boolean isInfrastructureFailure(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (c instanceof PrimaryUnavailableException || c instanceof ConnectException
          || c instanceof SocketTimeoutException || c instanceof HttpTimeoutException
          || c instanceof TimeoutException || c instanceof NoRouteToHostException
          || c instanceof UnknownHostException) {
        return true;
      }
    }
    return false;
  }
}
