package dev.breakglass.spi;

/**
 * Thrown by a {@link GrantStore} whose storage cannot be reached or failed (a database down, a
 * connection cut): the change was not made, or its outcome is unknown and must be treated as not
 * made. The engine refuses the operation that needed the store with
 * {@link dev.breakglass.ReasonCode#STATE_UNAVAILABLE} (fail closed) and tries again on the next call.
 *
 * <pre>{@code
 * try (Connection c = dataSource.getConnection()) {
 *   ...
 * } catch (SQLException e) {
 *   throw new GrantStoreUnavailableException("state database unreachable: " + e.getMessage(), e);
 * }
 * }</pre>
 */
public class GrantStoreUnavailableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * @param message what could not be done and why, without secrets
   * @param cause the storage's own error
   */
  public GrantStoreUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
