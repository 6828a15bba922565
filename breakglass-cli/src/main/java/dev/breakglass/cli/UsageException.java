package dev.breakglass.cli;

/**
 * A command that cannot run as given, or input it cannot use: exit status 2. The message names
 * the file or option and says how to fix it; it never contains a secret.
 */
final class UsageException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  UsageException(String message) {
    super(message);
  }
}
