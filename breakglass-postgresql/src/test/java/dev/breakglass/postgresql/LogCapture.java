package dev.breakglass.postgresql;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * Captures everything logged while it is open: SLF4J output (slf4j-simple writes to System.err,
 * looked up at each write), including the embedded server's own log lines, and the PostgreSQL
 * driver's java.util.logging output at its most verbose level. Output still reaches the console.
 */
final class LogCapture implements AutoCloseable {
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition grew = lock.newCondition();
  private final StringBuilder text = new StringBuilder();
  private final PrintStream originalErr = System.err;
  private final Logger driverLogger = Logger.getLogger("org.postgresql");
  private final Level originalDriverLevel = driverLogger.getLevel();
  private final Handler driverHandler = new Handler() {
    private final SimpleFormatter formatter = new SimpleFormatter();

    @Override
    public void publish(LogRecord record) {
      append(formatter.format(record));
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  };

  LogCapture() {
    System.setErr(new PrintStream(new TeeStream(originalErr), true, StandardCharsets.UTF_8));
    driverLogger.setLevel(Level.ALL);
    driverLogger.addHandler(driverHandler);
  }

  /** Everything captured so far. */
  String text() {
    lock.lock();
    try {
      return text.toString();
    } finally {
      lock.unlock();
    }
  }

  /** Waits until the captured text contains {@code fragment}; the server logs from its own thread. */
  boolean awaitContains(String fragment, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    lock.lock();
    try {
      while (text.indexOf(fragment) < 0) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        grew.await(left, TimeUnit.NANOSECONDS);
      }
      return true;
    } finally {
      lock.unlock();
    }
  }

  private void append(String s) {
    lock.lock();
    try {
      text.append(s);
      grew.signalAll();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void close() {
    System.setErr(originalErr);
    driverLogger.removeHandler(driverHandler);
    driverLogger.setLevel(originalDriverLevel);
  }

  private final class TeeStream extends OutputStream {
    private final PrintStream console;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();

    TeeStream(PrintStream console) {
      this.console = console;
    }

    @Override
    public synchronized void write(int b) {
      line.write(b);
      if (b == '\n') {
        flushLine();
      }
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
      for (int i = off; i < off + len; i++) {
        write(b[i]);
      }
    }

    @Override
    public synchronized void flush() {
      flushLine();
    }

    private void flushLine() {
      if (line.size() > 0) {
        byte[] bytes = line.toByteArray();
        line.reset();
        console.write(bytes, 0, bytes.length);
        append(new String(bytes, StandardCharsets.UTF_8));
      }
    }
  }
}
