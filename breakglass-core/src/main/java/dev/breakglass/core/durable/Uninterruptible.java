package dev.breakglass.core.durable;

import java.io.IOException;

/**
 * File I/O on a caller's thread that the caller's interrupt cannot turn against everyone else.
 *
 * <p>The JDK closes a {@link java.nio.channels.FileChannel} when a thread blocked in it, or entering
 * it, is interrupted ({@link java.nio.channels.ClosedByInterruptException}). The grant-store journal
 * and the alert outbox are shared by every thread of the engine and written on the calling thread, so
 * one host thread cancelled with {@code Future.cancel(true)}, or arriving with its flag already set,
 * would otherwise close them for all. Inside {@link #io} the flag is cleared for the I/O and set again
 * afterwards, so the caller still sees its interrupt. An interrupt delivered while the system call is
 * under way can still close the channel; the store and the outbox then refuse further changes with
 * a message naming the file (fail closed) until the engine is restarted.
 */
public final class Uninterruptible {
  private Uninterruptible() {}

  /** One piece of file I/O. */
  @FunctionalInterface
  public interface Io<T> {
    /** Does the I/O. */
    T run() throws IOException;
  }

  /** Runs {@code io} with the calling thread's interrupt flag cleared, and restores the flag afterwards. */
  public static <T> T io(Io<T> io) throws IOException {
    boolean interrupted = Thread.interrupted();
    try {
      return io.run();
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
