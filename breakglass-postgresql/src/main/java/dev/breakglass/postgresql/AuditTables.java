package dev.breakglass.postgresql;

import dev.breakglass.AuditEvent;
import dev.breakglass.core.audit.AuditEventCodec;
import dev.breakglass.core.audit.AuditLogExport;
import dev.breakglass.core.audit.AuditLogRefusedException;
import dev.breakglass.core.audit.AuditSigningKey;
import dev.breakglass.core.audit.Checkpoint;
import dev.breakglass.core.audit.MerkleFrontier;
import dev.breakglass.spi.CheckpointWitness;
import dev.breakglass.spi.WitnessedCheckpoint;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The SQL of the PostgreSQL audit log. Every write happens in one transaction that first locks the
 * single head row ({@code SELECT ... FOR UPDATE}): that lock totally orders appends from every
 * thread of every instance, and the head carries what the next writer needs to continue the
 * same Merkle tree (size, frontier, newest checkpoint), so no instance keeps state of its own
 * between transactions.
 */
final class AuditTables {
  static final String SOURCE = "postgresql";
  private static final SecureRandom RANDOM = new SecureRandom();

  private AuditTables() {}

  /** The head row, as locked by a transaction. */
  static final class Head {
    final String logId;
    final String keyId;
    long treeSize;
    final MerkleFrontier tree;
    @Nullable Instant lastRecordTime;
    long checkpointSize;
    Instant checkpointTime;

    Head(String logId, String keyId, long treeSize, MerkleFrontier tree, @Nullable Instant lastRecordTime,
        long checkpointSize, Instant checkpointTime) {
      this.logId = logId;
      this.keyId = keyId;
      this.treeSize = treeSize;
      this.tree = tree;
      this.lastRecordTime = lastRecordTime;
      this.checkpointSize = checkpointSize;
      this.checkpointTime = checkpointTime;
    }
  }

  /** Locks and reads the head; empty if the log does not exist yet. Call inside a transaction. */
  static Optional<Head> lockHead(Connection c) throws SQLException {
    try (PreparedStatement p = c.prepareStatement("SELECT log_id, key_id, tree_size, frontier, last_record_time,"
        + " checkpoint_size, checkpoint_time FROM breakglass_audit_head WHERE id = 1 FOR UPDATE");
        ResultSet r = p.executeQuery()) {
      if (!r.next()) {
        return Optional.empty();
      }
      long size = r.getLong(3);
      String last = r.getString(5);
      return Optional.of(new Head(r.getString(1), r.getString(2), size, MerkleFrontier.fromBytes(size, r.getBytes(4)),
          last == null ? null : Instant.parse(last), r.getLong(6), Instant.parse(r.getString(7))));
    }
  }

  /**
   * Opens the log: creates it (head and a signed checkpoint of zero records) if the database has
   * none, otherwise checks that it is signed with {@code key}, that its newest checkpoint verifies
   * and names its log, and that it extends the newest checkpoint of every witness. Commits.
   *
   * @return the log id
   * @throws AuditLogRefusedException if a check fails (nothing was written)
   */
  static String open(Connection c, AuditSigningKey key, Instant now, List<CheckpointWitness> witnesses)
      throws SQLException {
    c.setAutoCommit(false);
    try {
      Optional<Head> found = lockHead(c);
      String logId;
      if (found.isEmpty()) {
        byte[] id = new byte[16];
        RANDOM.nextBytes(id);
        logId = HexFormat.of().formatHex(id);
        MerkleFrontier empty = new MerkleFrontier();
        Checkpoint first = Checkpoint.sign(logId, Checkpoint.NO_PREVIOUS, 0, empty.root(), now, key);
        try (PreparedStatement p = c.prepareStatement("INSERT INTO breakglass_audit_head (id, log_id, key_id,"
            + " tree_size, frontier, checkpoint_size, checkpoint_time) VALUES (1, ?, ?, 0, ?, 0, ?)"
            + " ON CONFLICT (id) DO NOTHING")) {
          p.setString(1, logId);
          p.setString(2, key.keyId());
          p.setBytes(3, empty.toBytes());
          p.setString(4, now.toString());
          if (p.executeUpdate() == 0) {
            // Another instance created the log between our read and insert: use theirs.
            c.rollback();
            c.setAutoCommit(true);
            return open(c, key, now, witnesses);
          }
        }
        insertCheckpoint(c, first);
      } else {
        Head head = found.get();
        logId = head.logId;
        check(head, key, latestCheckpoint(c), witnesses, c);
      }
      c.commit();
      return logId;
    } catch (SQLException | RuntimeException e) {
      Migrations.rollbackQuietly(c);
      throw e;
    } finally {
      c.setAutoCommit(true);
    }
  }

  private static void check(Head head, AuditSigningKey key, @Nullable Checkpoint latest,
      List<CheckpointWitness> witnesses, Connection c) throws SQLException {
    if (!head.keyId.equals(key.keyId())) {
      throw refused(head.treeSize, "the log is signed with key " + head.keyId + ", this instance has key "
          + key.keyId() + ": give every instance the same audit signing key");
    }
    if (latest == null || latest.treeSize() != head.checkpointSize) {
      throw refused(head.checkpointSize, "the checkpoint of " + head.checkpointSize + " records named by the log's"
          + " head is missing");
    }
    if (!latest.verifySignature(key.publicKey()) || !head.logId.equals(latest.logId())) {
      throw refused(latest.treeSize(), "the newest checkpoint does not verify with the signing key or names another log");
    }
    for (CheckpointWitness w : witnesses) {
      Optional<WitnessedCheckpoint> held = w.newest();
      if (held.isEmpty()) {
        continue;
      }
      WitnessedCheckpoint h = held.get();
      if (!h.logId().equals(head.logId)) {
        throw refused(0, "witness '" + w.name() + "' holds a checkpoint of log " + h.logId() + ", the database holds"
            + " log " + head.logId + ": another log is in its place");
      }
      Checkpoint same = checkpointAt(c, h.treeSize());
      Checkpoint witnessed = Checkpoint.parse(h.text());
      if (same == null || !Arrays.equals(same.rootHash(), witnessed.rootHash())) {
        throw refused(h.treeSize(), "the log does not extend the checkpoint of " + h.treeSize() + " records held by"
            + " witness '" + w.name() + "' (rolled back, cut short or rewritten)");
      }
    }
  }

  private static AuditLogRefusedException refused(long index, String problem) {
    return new AuditLogRefusedException(index, SOURCE, 0, problem);
  }

  /**
   * Appends {@code events} as records {@code head.treeSize ...} (times never going backwards), and
   * a checkpoint if {@code checkpointDue} says so; updates and writes the head. Call inside the
   * transaction that locked {@code head}.
   *
   * @return the checkpoint written, or {@code null}
   */
  static @Nullable Checkpoint append(Connection c, Head head, List<AuditEvent> events, String instanceId,
      AuditSigningKey key, Instant now, boolean forceCheckpoint, long checkpointEvery, java.time.Duration interval)
      throws SQLException {
    if (!events.isEmpty()) {
      try (PreparedStatement p = c.prepareStatement(
          "INSERT INTO breakglass_audit_record (seq, instance_id, record) VALUES (?, ?, ?)")) {
        for (AuditEvent e : events) {
          AuditEvent ordered = e;
          if (head.lastRecordTime != null && e.time().isBefore(head.lastRecordTime)) {
            ordered = new AuditEvent(head.lastRecordTime, e.type(), e.actor(), e.grantId(), e.account(), e.details());
          }
          byte[] record = AuditEventCodec.encode(head.treeSize, ordered, instanceId);
          head.tree.appendLeaf(record);
          p.setLong(1, head.treeSize);
          p.setString(2, instanceId);
          p.setBytes(3, record);
          p.addBatch();
          head.treeSize++;
          head.lastRecordTime = ordered.time();
        }
        p.executeBatch();
      }
    }
    Checkpoint written = null;
    long waiting = head.treeSize - head.checkpointSize;
    if (waiting > 0 && (forceCheckpoint || waiting >= checkpointEvery
        || !now.isBefore(head.checkpointTime.plus(interval)))) {
      Instant time = now;
      if (time.isBefore(head.checkpointTime)) {
        time = head.checkpointTime;
      }
      if (head.lastRecordTime != null && time.isBefore(head.lastRecordTime)) {
        time = head.lastRecordTime;
      }
      written = Checkpoint.sign(head.logId, head.checkpointSize, head.treeSize, head.tree.root(), time, key);
      insertCheckpoint(c, written);
      head.checkpointSize = head.treeSize;
      head.checkpointTime = time;
    }
    try (PreparedStatement p = c.prepareStatement("UPDATE breakglass_audit_head SET tree_size = ?, frontier = ?,"
        + " last_record_time = ?, checkpoint_size = ?, checkpoint_time = ? WHERE id = 1")) {
      p.setLong(1, head.treeSize);
      p.setBytes(2, head.tree.toBytes());
      p.setString(3, head.lastRecordTime == null ? null : head.lastRecordTime.toString());
      p.setLong(4, head.checkpointSize);
      p.setString(5, head.checkpointTime.toString());
      p.executeUpdate();
    }
    return written;
  }

  private static void insertCheckpoint(Connection c, Checkpoint cp) throws SQLException {
    try (PreparedStatement p = c.prepareStatement(
        "INSERT INTO breakglass_audit_checkpoint (tree_size, checkpoint) VALUES (?, ?)")) {
      p.setLong(1, cp.treeSize());
      p.setString(2, cp.toText());
      p.executeUpdate();
    }
  }

  static @Nullable Checkpoint latestCheckpoint(Connection c) throws SQLException {
    try (PreparedStatement p = c.prepareStatement(
        "SELECT checkpoint FROM breakglass_audit_checkpoint ORDER BY tree_size DESC LIMIT 1");
        ResultSet r = p.executeQuery()) {
      return r.next() ? Checkpoint.parse(r.getString(1)) : null;
    }
  }

  private static @Nullable Checkpoint checkpointAt(Connection c, long size) throws SQLException {
    try (PreparedStatement p = c.prepareStatement("SELECT checkpoint FROM breakglass_audit_checkpoint WHERE tree_size = ?")) {
      p.setLong(1, size);
      try (ResultSet r = p.executeQuery()) {
        return r.next() ? Checkpoint.parse(r.getString(1)) : null;
      }
    }
  }

  /**
   * Writes the whole log, as one consistent snapshot, to {@code directory} in the file log's
   * format: each checkpoint right after the last record it covers.
   *
   * @return the number of records written
   */
  static long export(Connection c, Path directory) throws SQLException {
    c.setAutoCommit(false);
    try {
      try (var s = c.createStatement()) {
        s.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
      }
      List<Checkpoint> checkpoints = new ArrayList<>();
      try (PreparedStatement p = c.prepareStatement(
          "SELECT checkpoint FROM breakglass_audit_checkpoint ORDER BY tree_size");
          ResultSet r = p.executeQuery()) {
        while (r.next()) {
          checkpoints.add(Checkpoint.parse(r.getString(1)));
        }
      }
      long n = 0;
      int next = 0;
      try (AuditLogExport out = AuditLogExport.create(directory);
          PreparedStatement p = c.prepareStatement("SELECT seq, record FROM breakglass_audit_record ORDER BY seq")) {
        p.setFetchSize(1000);
        while (next < checkpoints.size() && checkpoints.get(next).treeSize() == 0) {
          out.checkpoint(checkpoints.get(next++));
        }
        try (ResultSet r = p.executeQuery()) {
          while (r.next()) {
            out.record(r.getBytes(2));
            n++;
            while (next < checkpoints.size() && checkpoints.get(next).treeSize() == n) {
              out.checkpoint(checkpoints.get(next++));
            }
          }
        }
      }
      c.commit();
      return n;
    } finally {
      Migrations.rollbackQuietly(c);
      c.setAutoCommit(true);
    }
  }

  /** Every record, decoded, in sequence order. */
  static List<AuditEventCodec.Decoded> records(Connection c) throws SQLException {
    List<AuditEventCodec.Decoded> out = new ArrayList<>();
    try (PreparedStatement p = c.prepareStatement("SELECT record FROM breakglass_audit_record ORDER BY seq");
        ResultSet r = p.executeQuery()) {
      while (r.next()) {
        out.add(AuditEventCodec.decode(r.getBytes(1)));
      }
    }
    return out;
  }
}
