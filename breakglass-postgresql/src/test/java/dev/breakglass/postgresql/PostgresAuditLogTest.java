package dev.breakglass.postgresql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakglass.AuditEvent;
import dev.breakglass.AuditEventType;
import dev.breakglass.core.audit.AuditEventCodec;
import dev.breakglass.core.audit.AuditLogReader;
import dev.breakglass.core.audit.AuditLogRefusedException;
import dev.breakglass.core.audit.AuditLogVerifier;
import dev.breakglass.core.audit.AuditSigningKey;
import dev.breakglass.core.audit.Checkpoint;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The PostgreSQL audit log's own rules, on a real database: schema, order, export, checks at start. */
class PostgresAuditLogTest {
  private static final AuditSigningKey KEY = AuditSigningKey.generate();

  @TempDir Path dir;
  TestDatabase db;
  DataSource dataSource;

  @BeforeEach
  void freshDatabase() {
    db = TestDatabase.create(EmbeddedPostgresServer.shared(), "audit");
    dataSource = db.dataSource();
  }

  static AuditEvent event(String marker) {
    return new AuditEvent(Instant.parse("2026-12-03T06:00:00Z"), AuditEventType.ACCESS_REQUESTED, "alice",
        "grant-" + marker, "root", Map.of("marker", marker));
  }

  PostgresAuditLog.Builder log(String instance) {
    return PostgresAuditLog.builder(dataSource).signingKey(KEY).instanceId(instance);
  }

  @Test
  void schemaIsCreatedFromAnEmptyDatabase() throws Exception {
    try (Connection c = dataSource.getConnection()) {
      assertThat(c.getMetaData().getTables(null, null, "breakglass_audit_record", null).next()).isFalse();
    }
    try (PostgresAuditLog log = log("a").build()) {
      log.append(event("1"));
    }
    assertThat(db.number("SELECT max(version) FROM breakglass_schema_version")).isEqualTo(Migrations.LATEST);
    assertThat(db.number("SELECT count(*) FROM breakglass_schema_version")).isEqualTo(Migrations.LATEST);
    assertThat(db.number("SELECT count(*) FROM breakglass_audit_record")).isEqualTo(1);
    assertThat(db.number("SELECT count(*) FROM breakglass_witness")).isZero();
  }

  @Test
  void schemaIsMigratedFromTheFirstVersionKeepingTheTrail() throws Exception {
    try (Connection c = dataSource.getConnection()) {
      assertThat(Migrations.migrate(c, 1)).isZero();
    }
    assertThat(db.number("SELECT max(version) FROM breakglass_schema_version")).isEqualTo(1);
    try (PostgresAuditLog log = log("a").build()) {
      log.append(event("after-migration"));
    }
    assertThat(db.number("SELECT max(version) FROM breakglass_schema_version")).isEqualTo(Migrations.LATEST);
    assertThat(db.number("SELECT count(*) FROM breakglass_witness")).as("version 2's table exists").isZero();
  }

  @Test
  void aNewerSchemaIsRefusedAndNothingIsWritten() {
    try (PostgresAuditLog log = log("a").build()) {
      log.append(event("1"));
    }
    db.execute("INSERT INTO breakglass_schema_version (version) VALUES (" + (Migrations.LATEST + 1) + ")");
    long records = db.number("SELECT count(*) FROM breakglass_audit_record");

    assertThatThrownBy(() -> log("a").build()).isInstanceOf(PostgresSchemaException.class)
        .hasMessageContaining("version " + (Migrations.LATEST + 1)).hasMessageContaining("upgrade breakglass");
    assertThat(db.number("SELECT count(*) FROM breakglass_audit_record")).isEqualTo(records);
  }

  @Test
  void exportIsVerifiedOfflineByTheFileLogVerifierWithTheInstanceInEachRecord() {
    Path out = dir.resolve("export");
    try (PostgresAuditLog log = log("pod-a").checkpointEveryRecords(7).build()) {
      for (int i = 0; i < 40; i++) {
        log.append(event("e" + i));
      }
      assertThat(log.exportTo(out)).isEqualTo(40);
    }

    AuditLogVerifier.VerificationResult r = AuditLogVerifier.builder(KEY.publicKey()).requireSealed(true).build()
        .verify(out);
    assertThat(r.valid()).as(String.valueOf(r.problem())).isTrue();
    assertThat(r.records()).isEqualTo(40);
    assertThat(r.checkpoints()).as("zero-record checkpoint, every 7 records, the final one").isGreaterThan(6);
    assertThat(AuditLogReader.readEvents(out)).extracting(e -> e.details().get("marker"))
        .containsExactlyElementsOf(java.util.stream.IntStream.range(0, 40).mapToObj(i -> "e" + i).toList());
    assertThat(PostgresAuditLog.readAll(dataSource)).extracting(AuditEventCodec.Decoded::instance)
        .containsOnly("pod-a");
  }

  @Test
  void aRecordChangedInTheDatabaseFailsVerificationOfTheExport() {
    try (PostgresAuditLog log = log("a").build()) {
      for (int i = 0; i < 5; i++) {
        log.append(event("e" + i));
      }
      log.checkpoint();
    }
    byte[] forged = AuditEventCodec.encode(2, event("forged"), "a");
    try (Connection c = dataSource.getConnection();
        var p = c.prepareStatement("UPDATE breakglass_audit_record SET record = ? WHERE seq = 2")) {
      p.setBytes(1, forged);
      assertThat(p.executeUpdate()).isEqualTo(1);
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
    Path out = dir.resolve("export");
    PostgresAuditLog.export(dataSource, out);

    AuditLogVerifier.VerificationResult r = AuditLogVerifier.of(KEY.publicKey()).verify(out);
    assertThat(r.valid()).isFalse();
    assertThat(r.problem().toString()).contains("root");
  }

  @Test
  void twoInstancesOnOneDatabaseWriteOneTotallyOrderedVerifiableTrail() throws Exception {
    int threads = 16;
    int perThread = 50;
    Path out = dir.resolve("export");
    try (PostgresAuditLog a = log("instance-a").checkpointEveryRecords(64).build();
        PostgresAuditLog b = log("instance-b").checkpointEveryRecords(64).build()) {
      assertThat(b.logId()).as("the second instance joins the log the first created").isEqualTo(a.logId());
      CyclicBarrier start = new CyclicBarrier(threads);
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      try {
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          PostgresAuditLog log = t % 2 == 0 ? a : b;
          int id = t;
          futures.add(pool.submit(() -> {
            start.await();
            for (int i = 0; i < perThread; i++) {
              log.append(event(id + "-" + i));
            }
            return null;
          }));
        }
        for (Future<?> f : futures) {
          f.get(5, TimeUnit.MINUTES);
        }
      } finally {
        pool.shutdownNow();
      }
      a.checkpoint();
      PostgresAuditLog.export(dataSource, out);
    }

    List<AuditEventCodec.Decoded> all = PostgresAuditLog.readAll(dataSource);
    assertThat(all).hasSize(threads * perThread);
    for (int i = 0; i < all.size(); i++) {
      assertThat(all.get(i).seq()).as("gap-free sequence").isEqualTo(i);
    }
    Set<String> markers = new HashSet<>();
    all.forEach(d -> markers.add(d.event().details().get("marker")));
    assertThat(markers).hasSize(threads * perThread);
    assertThat(all).extracting(AuditEventCodec.Decoded::instance).containsOnly("instance-a", "instance-b")
        .contains("instance-a", "instance-b");
    AuditLogVerifier.VerificationResult r = AuditLogVerifier.builder(KEY.publicKey()).requireSealed(true).build()
        .verify(out);
    assertThat(r.valid()).as(String.valueOf(r.problem())).isTrue();
    assertThat(r.records()).isEqualTo(threads * perThread);
  }

  @Test
  void checkpointOnOneInstanceReportsTheNewestEvenWhenAnotherInstanceWroteIt() {
    try (PostgresAuditLog a = log("a").build(); PostgresAuditLog b = log("b").build()) {
      a.append(event("1"));
      a.append(event("2"));
      Checkpoint byA = a.checkpoint();
      assertThat(byA.treeSize()).isEqualTo(2);

      assertThat(b.checkpoint()).isEqualTo(byA);
      assertThat(b.latestCheckpoint().treeSize()).isEqualTo(2);
    }
  }

  @Test
  void anInstanceWithAnotherSigningKeyIsRefused() {
    log("a").build().close();
    assertThatThrownBy(() -> PostgresAuditLog.builder(dataSource).signingKey(AuditSigningKey.generate()).build())
        .isInstanceOf(AuditLogRefusedException.class).hasMessageContaining("same audit signing key");
  }

  @Test
  void aTrailRestoredFromAnOlderBackupIsRefusedByTheWitness() {
    TestDatabase witnessDb = TestDatabase.create(EmbeddedPostgresServer.shared(), "witness");
    PostgresCheckpointWitness witness = new PostgresCheckpointWitness(witnessDb.dataSource(), "prod");
    try (PostgresAuditLog log = log("a").witness(witness).build()) {
      log.append(event("1"));
      log.checkpoint();
    }
    for (String t : List.of("head", "record", "checkpoint")) {
      db.execute("CREATE TABLE backup_" + t + " AS SELECT * FROM breakglass_audit_" + t);
    }
    try (PostgresAuditLog log = log("a").witness(witness).build()) {
      log.append(event("2"));
      log.checkpoint();
    }
    assertThat(witness.newest().orElseThrow().treeSize()).isEqualTo(2);
    for (String t : List.of("head", "record", "checkpoint")) {
      db.execute("DELETE FROM breakglass_audit_" + t);
      db.execute("INSERT INTO breakglass_audit_" + t + " SELECT * FROM backup_" + t);
    }

    assertThatThrownBy(() -> log("a").witness(witness).build()).isInstanceOf(AuditLogRefusedException.class)
        .hasMessageContaining("witness 'postgresql'");
    assertThat(log("a").build()).as("without the witness the rollback would pass unnoticed")
        .satisfies(PostgresAuditLog::close);
  }
}
