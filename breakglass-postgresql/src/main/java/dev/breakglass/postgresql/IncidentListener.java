package dev.breakglass.postgresql;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.LockSupport;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Listens on the {@code breakglass_incident} channel with a connection of its own and tells the
 * watchers of {@link PostgresGrantStore#watchIncident} when any instance changed the incident. Lost
 * connections are reopened after a second; a change made while it was away is caught by the
 * watchers' own polling (the engine's sweep) and by the one call made after every reconnect.
 */
final class IncidentListener implements AutoCloseable {
  static final String CHANNEL = "breakglass_incident";
  private static final Logger LOG = LoggerFactory.getLogger(IncidentListener.class);

  private final DataSource dataSource;
  private final List<Runnable> watchers = new CopyOnWriteArrayList<>();
  private final Thread thread;
  private volatile boolean closed;

  IncidentListener(DataSource dataSource) {
    this.dataSource = dataSource;
    this.thread = new Thread(this::run, "breakglass-pg-incident-listener");
    thread.setDaemon(true);
  }

  void add(Runnable watcher) {
    watchers.add(watcher);
    synchronized (this) {
      if (thread.getState() == Thread.State.NEW) {
        thread.start();
      }
    }
  }

  private void run() {
    while (!closed) {
      try (Connection c = dataSource.getConnection()) {
        try (Statement s = c.createStatement()) {
          s.execute("LISTEN " + CHANNEL);
        }
        PGConnection pg = c.unwrap(PGConnection.class);
        // Anything that changed before LISTEN took effect is caught by one look now.
        tell();
        while (!closed) {
          PGNotification[] got = pg.getNotifications(500);
          if (got != null && got.length > 0) {
            tell();
          }
        }
      } catch (SQLException | RuntimeException e) {
        if (!closed) {
          LOG.warn("listening for incident changes failed ({}); retrying in 1 s, sweeps still follow the incident",
              e instanceof SQLException s ? ConnectionPool.describe(s) : e.toString());
          LockSupport.parkNanos(1_000_000_000L);
        }
      }
    }
  }

  private void tell() {
    for (Runnable w : watchers) {
      try {
        w.run();
      } catch (RuntimeException e) {
        LOG.warn("an incident watcher failed: {}", e.toString());
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    thread.interrupt();
    if (thread.getState() != Thread.State.NEW) {
      try {
        thread.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
