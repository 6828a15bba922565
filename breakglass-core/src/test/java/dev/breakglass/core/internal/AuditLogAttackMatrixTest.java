package dev.breakglass.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakglass.AccessRequest;
import dev.breakglass.Approval;
import dev.breakglass.AuditEventType;
import dev.breakglass.AuditUnavailableException;
import dev.breakglass.BreakGlass;
import dev.breakglass.EmergencyAccessGrant;
import dev.breakglass.GrantStatus;
import dev.breakglass.core.BreakGlassEngine;
import dev.breakglass.core.audit.AuditSigningKey;
import dev.breakglass.spi.Alert;
import dev.breakglass.spi.Severity;
import dev.breakglass.tck.fixtures.MutableClock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Whoever can write the data directory (but cannot read the signing key) cannot make the engine sign
 * a history it did not write. Each attack is carried out on the files of a real log written by the
 * real engine; the next start must refuse, with an error naming the record and byte offset, a
 * CRITICAL {@code AUDIT_LOG_REFUSED} alert through the alert path, no change to the log's files,
 * and no grant (a second start refuses just the same).
 */
class AuditLogAttackMatrixTest {
  private static final String RECORD_AND_OFFSET = "(?s).*record \\d+ \\(segment-\\d{20}\\.bgaudit, byte offset \\d+\\).*";

  @TempDir Path tmp;
  Path data;
  Path witness;
  final MutableClock clock = new MutableClock(Instant.parse("2026-11-28T10:00:00Z"));
  final MapVault vault = new MapVault();
  boolean withWitness = true;

  @BeforeEach
  void setUp() throws IOException {
    data = tmp.resolve("data");
    witness = Files.createDirectories(tmp.resolve("witness"));
    vault.write(EngineFixture.DB, "canary-db".toCharArray());
    vault.write(EngineFixture.BACKUP, "canary-backup".toCharArray());
    vault.write(EngineFixture.APP, "canary-app".toCharArray());
  }

  BreakGlass start(Path dataDirectory, RecordingAlertChannel alerts) {
    BreakGlassEngine.Builder b = BreakGlassEngine.builder().policy(EngineFixture.defaultPolicy())
        .dataDirectory(dataDirectory).clock(clock).vault(vault).alertChannel(alerts).background(false);
    if (withWitness) {
      b.property("witness", "directory").property("witness.directory.path", witness.toString());
    }
    return b.build();
  }

  BreakGlass start(RecordingAlertChannel alerts) {
    return start(data, alerts);
  }

  /**
   * An incident with a grant, spread over time so the log signs several checkpoints. The first one
   * uses the database account; later ones its backup (the first stays tainted: no rotator runs).
   */
  void incident(BreakGlass bg, String ticket) {
    String account = ticket.equals("INC-1") || ticket.equals("INC-9") ? EngineFixture.DB : EngineFixture.BACKUP;
    bg.declareIncident("sre-lead", "IdP outage " + ticket);
    clock.advance(Duration.ofSeconds(10));
    EmergencyAccessGrant g = bg.requestAccess(AccessRequest.builder().requester("alice").account(account)
        .reason("database failover stuck").ticket(ticket).duration(Duration.ofMinutes(20))
        .identification("badge", "E-10442").clientAddress("10.1.2.3").build());
    clock.advance(Duration.ofSeconds(10));
    g = bg.approve(Approval.of(g, "carol"));
    clock.advance(Duration.ofSeconds(10));
    if (g.status() != GrantStatus.ACTIVE) {
      g = bg.approve(Approval.of(g, "dave"));
    }
    assertThat(g.status()).isEqualTo(GrantStatus.ACTIVE);
    clock.advance(Duration.ofSeconds(10));
    bg.closeIncident("sre-lead", "over");
    clock.advance(Duration.ofSeconds(10));
  }

  /** Writes a history with the engine and closes it cleanly. */
  void history(Path dataDirectory, String ticket) {
    try (BreakGlass bg = start(dataDirectory, new RecordingAlertChannel())) {
      incident(bg, ticket);
    }
  }

  Path segment(Path dataDirectory) {
    try (Stream<Path> files = Files.list(dataDirectory.resolve(BreakGlassEngine.AUDIT_DIRECTORY))) {
      return files.filter(p -> p.getFileName().toString().endsWith(".bgaudit"))
          .max(Comparator.comparing(p -> p.getFileName().toString())).orElseThrow();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The next start refuses: error naming record and offset (and {@code problem}), a CRITICAL alert
   * through a real channel, the log's files untouched, and a second start refused as well.
   */
  void assertStartRefused(String problem) throws Exception {
    Map<String, String> before = fingerprints();
    RecordingAlertChannel alerts = new RecordingAlertChannel();
    assertThatThrownBy(() -> start(alerts))
        .isInstanceOf(AuditUnavailableException.class)
        .hasMessageMatching(RECORD_AND_OFFSET)
        .hasMessageContaining(problem);
    Alert alert = alerts.await(AuditEventType.AUDIT_LOG_REFUSED);
    assertThat(alert.severity()).isEqualTo(Severity.CRITICAL);
    assertThat(alert.details()).containsKeys("record", "segment", "offset", "problem");
    assertThat(alert.details().get("problem")).contains(problem);
    assertThat(fingerprints()).as("the refused start changed nothing: no key, no audit.pub, no signature")
        .isEqualTo(before);
    assertThat(grantsInStore()).as("no grant beyond the one the honest history issued").isLessThanOrEqualTo(1);
    assertThatThrownBy(() -> start(new RecordingAlertChannel())).as("refused again: no grant can ever be issued")
        .isInstanceOf(AuditUnavailableException.class).hasMessageContaining(problem);
  }

  /** SHA-256 of every file that carries the log's trust: segments, key, audit.pub. */
  Map<String, String> fingerprints() throws IOException, NoSuchAlgorithmException {
    Map<String, String> out = new TreeMap<>();
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    List<Path> files;
    try (Stream<Path> s = Files.walk(data)) {
      files = s.filter(Files::isRegularFile).filter(p -> {
        String n = p.getFileName().toString();
        return n.endsWith(".bgaudit") || n.equals("audit-signing.key") || n.equals("audit.pub");
      }).toList();
    }
    for (Path p : files) {
      out.put(data.relativize(p).toString(), HexFormat.of().formatHex(sha.digest(Files.readAllBytes(p))));
    }
    return out;
  }

  long grantsInStore() {
    Path state = data.resolve("state");
    if (!Files.exists(state)) {
      return 0;
    }
    try (FileGrantStore store = FileGrantStore.open(state)) {
      return store.findByStatus(EnumSet.allOf(GrantStatus.class)).size();
    }
  }

  static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> s = Files.walk(from)) {
      for (Path p : s.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target, StandardCopyOption.COPY_ATTRIBUTES, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
  }

  static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  @Nested
  class HonestRestarts {
    @Test
    void untouchedLogRestartsWithoutAlarmAndTheWitnessFollows() throws Exception {
      history(data, "INC-1");
      String witnessed = Files.readString(witness.resolve("checkpoint"));
      RecordingAlertChannel alerts = new RecordingAlertChannel();
      try (BreakGlass bg = start(alerts)) {
        incident(bg, "INC-2");
      }
      assertThat(alerts.anyCritical()).isFalse();
      assertThat(alerts.await(AuditEventType.AUDIT_CHECKPOINT).severity()).isEqualTo(Severity.INFO);
      String now = Files.readString(witness.resolve("checkpoint"));
      assertThat(now).isNotEqualTo(witnessed).startsWith("breakglass-audit-checkpoint v2\nlog ");
      assertThat(grantsInStore()).isEqualTo(2);
    }

    @Test
    void aFirstStartCreatesTheKeyAndAuditPubOnceAndNeverRewritesThem() throws Exception {
      history(data, "INC-1");
      Map<String, String> first = fingerprints();
      long pubModified = Files.getLastModifiedTime(data.resolve(BreakGlassEngine.AUDIT_PUBLIC_KEY_FILE)).toMillis();
      Files.setLastModifiedTime(data.resolve(BreakGlassEngine.AUDIT_PUBLIC_KEY_FILE),
          java.nio.file.attribute.FileTime.fromMillis(pubModified - 60_000));
      try (BreakGlass bg = start(new RecordingAlertChannel())) {
        bg.declareIncident("sre-lead", "again");
      }
      assertThat(Files.getLastModifiedTime(data.resolve(BreakGlassEngine.AUDIT_PUBLIC_KEY_FILE)).toMillis())
          .as("audit.pub is written when the log is created, never again").isEqualTo(pubModified - 60_000);
      assertThat(fingerprints().get("keys/audit-signing.key")).isEqualTo(first.get("keys/audit-signing.key"));
    }
  }

  @Nested
  class Attacks {
    @BeforeEach
    void honestHistory() {
      history(data, "INC-1");
    }

    @Test
    void rewriteWithRecomputedChecksumsAndDroppedCheckpointsIsRefused() throws Exception {
      LogSurgery log = LogSurgery.read(segment(data));
      log.removeRecord("\"GRANT_ISSUED\"");
      log.renumber();
      log.dropCheckpoints();
      log.write(segment(data));
      assertStartRefused("witness");
    }

    @Test
    void rewriteWithDroppedCheckpointsIsRefusedByTheLogAloneWithoutAWitness() throws Exception {
      withWitness = false;
      LogSurgery log = LogSurgery.read(segment(data));
      log.removeRecord("\"GRANT_ISSUED\"");
      log.renumber();
      log.dropCheckpoints();
      log.write(segment(data));
      assertStartRefused("checkpoint interval");
    }

    @Test
    void editedRecordWithRecomputedChecksumsIsRefused() throws Exception {
      LogSurgery log = LogSurgery.read(segment(data));
      int i = 0;
      while (!log.frames.get(i).text().contains("\"APPROVAL_ACCEPTED\"")) {
        i++;
      }
      String forged = log.frames.get(i).text().replace("\"carol\"", "\"alice\"");
      log.frames.set(i, new LogSurgery.Frame(LogSurgery.RECORD, forged.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
      log.frames.subList(i + 1, log.frames.size()).removeIf(LogSurgery.Frame::isCheckpoint);
      log.write(segment(data));
      assertStartRefused("witness");
    }

    @Test
    void removedMiddleCheckpointIsRefused() throws Exception {
      withWitness = false;
      LogSurgery log = LogSurgery.read(segment(data));
      List<Integer> checkpoints = log.checkpointIndexes();
      assertThat(checkpoints).hasSizeGreaterThanOrEqualTo(3);
      log.frames.remove((int) checkpoints.get(1));
      log.write(segment(data));
      assertStartRefused("checkpoint is missing");
    }

    @Test
    void cleanTruncationAtAFrameBoundaryIsRefused() throws Exception {
      LogSurgery log = LogSurgery.read(segment(data));
      List<Integer> checkpoints = log.checkpointIndexes();
      long cut = log.endOf(checkpoints.get(checkpoints.size() - 2));
      try (FileChannel ch = FileChannel.open(segment(data), StandardOpenOption.WRITE)) {
        ch.truncate(cut);
      }
      assertStartRefused("rolled back");
    }

    @Test
    void deletedSigningKeyIsRefusedAndNeverReplaced() throws Exception {
      Path key = data.resolve("keys").resolve("audit-signing.key");
      Files.delete(key);
      assertStartRefused("signing key");
      assertThat(key).doesNotExist();
    }

    @Test
    void replacedAuditPubIsRefused() throws Exception {
      AuditSigningKey.generate().publicKey().write(data.resolve(BreakGlassEngine.AUDIT_PUBLIC_KEY_FILE));
      assertStartRefused("audit.pub");
    }

    @Test
    void replacedKeyAuditPubAndResignedLogAreRefusedByTheWitness() throws Exception {
      AuditSigningKey attacker = AuditSigningKey.generate();
      LogSurgery log = LogSurgery.read(segment(data));
      log.removeRecord("\"GRANT_ISSUED\"");
      log.renumber();
      log.dropCheckpoints();
      log.write(segment(data));
      Path keyFile = data.resolve("keys").resolve("audit-signing.key");
      Files.delete(keyFile);
      attacker.writeNew(keyFile);
      attacker.publicKey().write(data.resolve(BreakGlassEngine.AUDIT_PUBLIC_KEY_FILE));
      assertStartRefused("witness");
    }

    @Test
    void resignedCheckpointsWithAnotherKeyAreRefused() throws Exception {
      withWitness = false;
      LogSurgery log = LogSurgery.read(segment(data));
      log.resignCheckpoints(AuditSigningKey.generate());
      log.write(segment(data));
      assertStartRefused("signing key changed");
    }

    @Test
    void checkpointOfAnotherLogSplicedInIsRefused() throws Exception {
      Path other = tmp.resolve("other");
      Files.createDirectories(other.resolve("keys"));
      Files.copy(data.resolve("keys").resolve("audit-signing.key"), other.resolve("keys").resolve("audit-signing.key"),
          StandardCopyOption.COPY_ATTRIBUTES);
      withWitness = false;
      history(other, "INC-9");
      LogSurgery theirs = LogSurgery.read(segment(other));
      LogSurgery ours = LogSurgery.read(segment(data));
      int last = ours.lastCheckpointIndex();
      ours.frames.set(last, theirs.frames.get(theirs.lastCheckpointIndex()));
      ours.write(segment(data));
      assertStartRefused("another log");
    }

    @Test
    void wholeLogOfAnotherDeploymentWithTheSameKeyIsRefusedByTheWitness() throws Exception {
      Path other = tmp.resolve("other");
      Files.createDirectories(other.resolve("keys"));
      Files.copy(data.resolve("keys").resolve("audit-signing.key"), other.resolve("keys").resolve("audit-signing.key"),
          StandardCopyOption.COPY_ATTRIBUTES);
      withWitness = false;
      history(other, "INC-9");
      withWitness = true;
      Path ours = data.resolve(BreakGlassEngine.AUDIT_DIRECTORY);
      deleteTree(ours);
      copyTree(other.resolve(BreakGlassEngine.AUDIT_DIRECTORY), ours);
      assertStartRefused("another log");
    }

    @Test
    void rollbackOfTheWholeDataDirectoryIsRefused() throws Exception {
      Path backup = tmp.resolve("backup");
      copyTree(data, backup);
      history(data, "INC-2");
      deleteTree(data);
      copyTree(backup, data);
      assertStartRefused("rolled back");
    }

    @Test
    void deletedLogWithItsKeyLeftBehindIsRefused() throws Exception {
      withWitness = false;
      deleteTree(data.resolve(BreakGlassEngine.AUDIT_DIRECTORY));
      assertStartRefused("missing");
      assertThat(data.resolve(BreakGlassEngine.AUDIT_DIRECTORY).resolve("segment-00000000000000000000.bgaudit"))
          .as("no new log was started in its place").doesNotExist();
    }
  }
}
