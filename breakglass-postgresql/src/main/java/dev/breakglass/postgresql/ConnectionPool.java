package dev.breakglass.postgresql;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.Deque;
import javax.sql.DataSource;

/**
 * A few connections to reuse over a {@link DataSource}: borrowed for one piece of work, given back
 * in auto-commit mode, and dropped (never given back) after any {@link SQLException}, so a connection
 * broken by a database restart is replaced by a new one on the next call. At most {@code max} are
 * open; a caller beyond that waits for one. A host that hands in its own pool can give
 * {@code max = 1} to keep one connection here, or a larger number: this class does not reuse the host
 * pool's connections beyond one call.
 */
final class ConnectionPool implements AutoCloseable {
  private final DataSource dataSource;
  private final int max;
  private final Deque<Connection> idle = new ArrayDeque<>();
  private int open;
  private boolean closed;

  ConnectionPool(DataSource dataSource, int max) {
    if (max < 1) {
      throw new IllegalArgumentException("at least 1 connection, was " + max);
    }
    this.dataSource = dataSource;
    this.max = max;
  }

  /**
   * Runs {@code work} on a pooled connection.
   *
   * @throws PostgresUnavailableException if the connection cannot be had or the work fails in the database
   */
  <T> T run(PostgresGrantStore.Work<T> work) {
    Connection c = borrow();
    boolean broken = true;
    try {
      T result = work.run(c);
      broken = false;
      return result;
    } catch (SQLException e) {
      throw new PostgresUnavailableException("PostgreSQL grant store: " + describe(e), e);
    } finally {
      giveBack(c, broken);
    }
  }

  private Connection borrow() {
    synchronized (this) {
      while (true) {
        if (closed) {
          throw new IllegalStateException("the PostgreSQL grant store is closed");
        }
        Connection c = idle.pollFirst();
        if (c != null) {
          return c;
        }
        if (open < max) {
          open++;
          break;
        }
        try {
          wait();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new PostgresUnavailableException("interrupted while waiting for a PostgreSQL connection", e);
        }
      }
    }
    try {
      Connection c = dataSource.getConnection();
      c.setAutoCommit(true);
      return c;
    } catch (SQLException | RuntimeException e) {
      synchronized (this) {
        open--;
        notifyAll();
      }
      if (e instanceof SQLException s) {
        throw new PostgresUnavailableException("PostgreSQL grant store: cannot connect: " + describe(s), s);
      }
      throw (RuntimeException) e;
    }
  }

  private void giveBack(Connection c, boolean broken) {
    boolean keep = !broken;
    if (keep) {
      try {
        keep = c.getAutoCommit();
      } catch (SQLException e) {
        keep = false;
      }
    }
    synchronized (this) {
      if (keep && !closed) {
        idle.addFirst(c);
        notifyAll();
        return;
      }
      open--;
      notifyAll();
    }
    closeQuietly(c);
  }

  @Override
  public void close() {
    Deque<Connection> toClose;
    synchronized (this) {
      closed = true;
      toClose = new ArrayDeque<>(idle);
      open -= idle.size();
      idle.clear();
      notifyAll();
    }
    toClose.forEach(ConnectionPool::closeQuietly);
  }

  static String describe(SQLException e) {
    String state = e.getSQLState();
    return (state == null ? "" : "SQL state " + state + ": ") + e.getMessage();
  }

  private static void closeQuietly(Connection c) {
    try {
      c.close();
    } catch (SQLException ignored) {
      // already broken: nothing to release
    }
  }

  @Override
  public String toString() {
    return dataSource + ", up to " + max + " connections";
  }
}
