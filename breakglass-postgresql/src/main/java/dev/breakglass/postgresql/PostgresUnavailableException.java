package dev.breakglass.postgresql;

import dev.breakglass.spi.GrantStoreUnavailableException;

/**
 * The database could not be reached or answered with an error, so the state change was not made (or,
 * for a statement cut off mid-way, its outcome is unknown and the caller must treat it as not made).
 * The engine fails closed on it: the operation that needed the store is refused with
 * {@link dev.breakglass.ReasonCode#STATE_UNAVAILABLE}. The message names
 * the SQL state and the server's message, never a password.
 */
public final class PostgresUnavailableException extends GrantStoreUnavailableException {
  private static final long serialVersionUID = 1L;

  PostgresUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
