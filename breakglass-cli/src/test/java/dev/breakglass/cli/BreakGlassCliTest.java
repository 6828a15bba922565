package dev.breakglass.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakglass.AuditEvent;
import dev.breakglass.AuditEventType;
import dev.breakglass.core.audit.AuditSigningKey;
import dev.breakglass.core.audit.Fingerprinter;
import dev.breakglass.core.audit.TamperEvidentAuditLog;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command against real logs on disk, written by the real log and tampered with on disk. */
class BreakGlassCliTest {
  private static final Instant T0 = Instant.parse("2026-11-28T09:00:00Z");
  private static final AuditSigningKey KEY = AuditSigningKey.generate();

  @TempDir Path dir;
  private Path log;
  private Path publicKey;
  private final CliRunner cli = new CliRunner();
  private String out;
  private String err;

  @BeforeEach
  void writeIncident() {
    log = dir.resolve("data").resolve("audit");
    publicKey = dir.resolve("audit.pub");
    KEY.publicKey().write(publicKey);
    append(log, KEY, incident(T0));
  }

  /** One incident as the engine records it: emergency, request, approvals, grant, use, expiry, rotation. */
  private static List<AuditEvent> incident(Instant t) {
    String g = "bg-1";
    String db = "prod-db-admin";
    return List.of(
        new AuditEvent(t, AuditEventType.EMERGENCY_OPENED, AuditEvent.SYSTEM, null, null, Map.of("cause", "probe idp failed")),
        new AuditEvent(t.plusSeconds(60), AuditEventType.ACCESS_REQUESTED, "alice", g, db,
            Map.of("reason", "IdP outage", "ticket", "INC-4711", "duration", "PT20M", "emergency", "primary-unhealthy")),
        new AuditEvent(t.plusSeconds(90), AuditEventType.APPROVAL_ACCEPTED, "carol", g, db, Map.of()),
        new AuditEvent(t.plusSeconds(95), AuditEventType.APPROVAL_ACCEPTED, "dave", g, db, Map.of()),
        new AuditEvent(t.plusSeconds(95), AuditEventType.GRANT_ISSUED, AuditEvent.SYSTEM, g, db,
            Map.of("expiresAt", t.plusSeconds(1295).toString())),
        new AuditEvent(t.plusSeconds(100), AuditEventType.CREDENTIAL_RELEASED, "alice", g, db, Map.of("source", "vault")),
        new AuditEvent(t.plusSeconds(1295), AuditEventType.GRANT_EXPIRED, AuditEvent.SYSTEM, g, db, Map.of()),
        new AuditEvent(t.plusSeconds(1300), AuditEventType.CREDENTIAL_ROTATED, AuditEvent.SYSTEM, g, db, Map.of()));
  }

  private static void append(Path log, AuditSigningKey key, List<AuditEvent> events) {
    try (TamperEvidentAuditLog l = TamperEvidentAuditLog.builder(log).signingKey(key).backgroundCheckpoints(false)
        .checkpointEveryRecords(3).build()) {
      events.forEach(l::append);
    }
  }

  private int run(String... args) {
    int status = cli.run(args);
    out = cli.out;
    err = cli.err;
    return status;
  }

  private Path onlySegment() throws IOException {
    try (Stream<Path> s = Files.list(log)) {
      return s.filter(p -> p.getFileName().toString().endsWith(".bgaudit")).findFirst().orElseThrow();
    }
  }

  @Nested
  class Verify {
    @Test
    void anIntactLogVerifies() {
      assertThat(run("verify", log.toString(), "--public-key", publicKey.toString(), "--sealed", "--decode"))
          .isEqualTo(BreakGlassCli.OK);
      assertThat(out).startsWith("OK  " + log).contains("8 records", "latest checkpoint: 8 records",
          "by key " + KEY.keyId());
      assertThat(err).isEmpty();
    }

    @Test
    void aFlippedByteIsReportedWithRecordAndOffset() throws IOException {
      Path segment = onlySegment();
      try (RandomAccessFile f = new RandomAccessFile(segment.toFile(), "rw")) {
        long at = f.length() / 2;
        f.seek(at);
        int b = f.read();
        f.seek(at);
        f.write(b ^ 0x01);
      }
      assertThat(run("verify", log.toString(), "--public-key", publicKey.toString())).isEqualTo(BreakGlassCli.FAILED);
      assertThat(out).startsWith("FAILED  " + log).containsPattern("record \\d+ \\(.*byte offset \\d+\\)");
    }

    @Test
    void aLogSignedByAnotherKeyFails() {
      Path other = dir.resolve("other.pub");
      AuditSigningKey.generate().publicKey().write(other);
      assertThat(run("verify", log.toString(), "--public-key", other.toString())).isEqualTo(BreakGlassCli.FAILED);
      assertThat(out).contains("FAILED");
    }

    @Test
    void aKeptCheckpointProvesTheLogOnlyGrew() throws IOException {
      assertThat(run("checkpoint", log.toString(), "--public-key", publicKey.toString())).isEqualTo(BreakGlassCli.OK);
      Path kept = dir.resolve("kept-checkpoint.txt");
      Files.writeString(kept, out);
      append(log, KEY, incident(T0.plusSeconds(3600)));

      assertThat(run("verify", log.toString(), "--public-key", publicKey.toString(), "--checkpoint", kept.toString()))
          .isEqualTo(BreakGlassCli.OK);
      assertThat(out).contains("16 records", "The kept checkpoint (8 records", "only grown");
    }

    @Test
    void aLogRewrittenWithTheSameKeyFailsAgainstTheKeptCheckpoint() throws IOException {
      run("checkpoint", log.toString(), "--public-key", publicKey.toString());
      Path kept = dir.resolve("kept-checkpoint.txt");
      Files.writeString(kept, out);
      // Someone holding the signing key rewrites history: same length, different story, validly signed.
      try (Stream<Path> s = Files.list(log)) {
        for (Path p : s.toList()) {
          Files.delete(p);
        }
      }
      List<AuditEvent> rewritten = incident(T0).stream()
          .map(e -> e.type() == AuditEventType.CREDENTIAL_RELEASED
              ? new AuditEvent(e.time(), e.type(), "bob", e.grantId(), e.account(), e.details()) : e)
          .toList();
      append(log, KEY, rewritten);
      assertThat(run("verify", log.toString(), "--public-key", publicKey.toString())).isEqualTo(BreakGlassCli.OK);

      assertThat(run("verify", log.toString(), "--public-key", publicKey.toString(), "--checkpoint", kept.toString()))
          .isEqualTo(BreakGlassCli.FAILED);
      assertThat(out).contains("FAILED");
    }
  }

  @Nested
  class Report {
    @Test
    void printsTheReviewOfAVerifiedLog() {
      assertThat(run("report", log.toString(), "--public-key", publicKey.toString())).isEqualTo(BreakGlassCli.OK);
      assertThat(out).contains("OK  " + log, "POST-INCIDENT REVIEW", "prod-db-admin", "alice", "INC-4711");
    }

    @Test
    void refusesToReportFromALogThatFailsVerification() throws IOException {
      try (RandomAccessFile f = new RandomAccessFile(onlySegment().toFile(), "rw")) {
        f.setLength(f.length() - 200);
        f.seek(f.length() - 40);
        f.write(new byte[] {1, 2, 3, 4});
      }
      assertThat(run("report", log.toString(), "--public-key", publicKey.toString())).isEqualTo(BreakGlassCli.FAILED);
      assertThat(out).contains("FAILED").doesNotContain("POST-INCIDENT REVIEW");
      assertThat(err).contains("No review is printed");
    }
  }

  @Nested
  class FingerprintCommand {
    @Test
    void printsTheFingerprintOfEachValueReadFromStandardInput() throws IOException {
      Path keyFile = dir.resolve("keys/fingerprint.key");
      Fingerprinter expected = Fingerprinter.loadOrCreate(keyFile);
      cli.stdin = "INC-4711\n\n198.51.100.7\n";
      assertThat(run("fingerprint", "--key", keyFile.toString())).isEqualTo(BreakGlassCli.OK);
      assertThat(out.lines().toList())
          .containsExactly(expected.fingerprint("INC-4711"), expected.fingerprint("198.51.100.7"));
    }

    @Test
    void writesTheReviewKeyWhichMatchesTicketsButSaysItCannotMatchCredentials() throws IOException {
      Path keyFile = dir.resolve("keys/fingerprint.key");
      Fingerprinter stored = Fingerprinter.loadOrCreate(keyFile);
      Path reviewKey = dir.resolve("review.key");
      assertThat(run("fingerprint", "--key", keyFile.toString(), "--write-review-key", reviewKey.toString()))
          .isEqualTo(BreakGlassCli.OK);
      assertThat(out).contains("review key written to " + reviewKey);
      assertThat(Fingerprinter.load(reviewKey).canFingerprintCredentials()).isFalse();
      cli.stdin = "INC-4711\n";

      assertThat(run("fingerprint", "--key", reviewKey.toString())).isEqualTo(BreakGlassCli.OK);
      assertThat(out.lines().toList()).endsWith(stored.fingerprint("INC-4711"));
      assertThat(err).contains("purpose: review");
    }

    @Test
    void refusesAKeyFileOthersCanRead() throws IOException {
      Path keyFile = dir.resolve("keys/fingerprint.key");
      Fingerprinter.loadOrCreate(keyFile);
      Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-r--r--"));
      assertThat(run("fingerprint", "--key", keyFile.toString())).isEqualTo(BreakGlassCli.USAGE);
      assertThat(err).contains("accessible to others", "chmod 600");
      assertThat(out).isEmpty();
    }
  }

  @Nested
  class BadUsage {
    @Test
    void noArgumentsPrintsUsage() {
      assertThat(run()).isEqualTo(BreakGlassCli.USAGE);
      assertThat(err).contains("Usage: breakglass", "Commands:", "verify", "report");
    }

    @Test
    void helpGoesToStandardOutput() {
      assertThat(run("help")).isEqualTo(BreakGlassCli.OK);
      assertThat(out).contains("Usage: breakglass", "verify", "checkpoint", "report", "fingerprint", "vault", "shares");
    }

    @Test
    void unknownCommandAndOptionsAreNamed() {
      assertThat(run("verfy", log.toString())).isEqualTo(BreakGlassCli.USAGE);
      assertThat(err).contains("unknown command 'verfy'");
      assertThat(run("report", log.toString(), "--public-key", publicKey.toString(), "--sealed"))
          .isEqualTo(BreakGlassCli.USAGE);
      assertThat(err).contains("unknown option --sealed for report", "accepted: ", "--public-key");
    }

    @Test
    void missingPiecesAreNamed() {
      assertThat(run("verify", log.toString())).isEqualTo(BreakGlassCli.USAGE);
      assertThat(err).contains("breakglass verify needs --public-key FILE");
      assertThat(run("verify", "--public-key", publicKey.toString())).isEqualTo(BreakGlassCli.USAGE);
      assertThat(err).contains("breakglass verify needs DIR (The audit log directory: <data>/audit)");
      assertThat(run("verify", log.toString(), "--public-key")).isEqualTo(BreakGlassCli.USAGE);
      assertThat(err).contains("needs --public-key FILE");
    }

    @Test
    void unreadableInputsAreNamed() throws IOException {
      assertThat(run("verify", log.toString(), "--public-key", dir.resolve("missing.pub").toString()))
          .isEqualTo(BreakGlassCli.USAGE);
      assertThat(err).contains("public key file", "missing.pub", "does not exist");

      Path notACheckpoint = Files.writeString(dir.resolve("cp.txt"), "hello\n");
      assertThat(run("verify", log.toString(), "--public-key", publicKey.toString(), "--checkpoint",
          notACheckpoint.toString())).isEqualTo(BreakGlassCli.USAGE);
      assertThat(err).contains("not a checkpoint");
    }

    @Test
    void aDirectoryThatIsNoLogFailsVerification() throws IOException {
      Path empty = Files.createDirectory(dir.resolve("empty"));
      assertThat(run("verify", empty.toString(), "--public-key", publicKey.toString())).isEqualTo(BreakGlassCli.FAILED);
      assertThat(out).contains("FAILED", "no segments");
    }
  }
}
