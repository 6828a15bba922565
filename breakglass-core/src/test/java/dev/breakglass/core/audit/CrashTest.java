package dev.breakglass.core.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A child JVM appends from many threads and reports every acknowledged record on stdout; the test
 * SIGKILLs it at random points, 20 times. After each kill the log opens (repairing a torn tail),
 * contains every acknowledged record at its acknowledged sequence number, verifies, and is
 * consistent with the checkpoint taken after the previous kill.
 */
class CrashTest {
  static final int KILLS = 20;

  @TempDir Path dir;

  @Test
  void everyAcknowledgedRecordSurvivesSigkill() throws Exception {
    Path keyFile = dir.resolve("signing.key");
    Path logDir = dir.resolve("log");
    AuditSigningKey key = AuditSigningKey.loadOrCreate(keyFile);
    Random random = new Random(20260301L);
    Map<Long, String> acknowledged = new HashMap<>();
    Checkpoint previous = null;
    int repairs = 0;
    for (int run = 0; run < KILLS; run++) {
      int target = 1 + random.nextInt(300);
      Process child = new ProcessBuilder(javaBin(), "-Xmx64m", "-XX:TieredStopAtLevel=1", "-cp",
          System.getProperty("java.class.path"), CrashAppender.class.getName(), logDir.toString(), keyFile.toString(),
          "8")
          .redirectError(ProcessBuilder.Redirect.DISCARD).start();
      int acksThisRun = 0;
      try (BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          if (line.startsWith("ACK ")) {
            String[] p = line.split(" ");
            if (p.length == 3) {
              acknowledged.put(Long.parseLong(p[1]), p[2]);
              if (++acksThisRun >= target) {
                child.destroyForcibly();
                break;
              }
            }
          }
        }
      } finally {
        child.destroyForcibly();
        assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
      }
      assertThat(acksThisRun).as("run %d acknowledged records before it was killed", run).isEqualTo(target);

      Checkpoint sealed;
      try (TamperEvidentAuditLog log = TamperEvidentAuditLog.builder(logDir).signingKey(key)
          .backgroundCheckpoints(false).maxSegmentBytes(32 * 1024).build()) {
        sealed = log.checkpoint();
      }
      Map<Long, String> present = new HashMap<>();
      try (AuditLogReader reader = AuditLogReader.open(logDir)) {
        for (AuditLogReader.Entry e = reader.next(); e != null; e = reader.next()) {
          if (e instanceof AuditLogReader.RecordEntry rec) {
            String id = rec.event().details().get("id");
            if (id != null) {
              present.put(rec.index(), id);
            } else {
              repairs++;
            }
          }
        }
      }
      for (Map.Entry<Long, String> ack : acknowledged.entrySet()) {
        assertThat(present.get(ack.getKey())).as("acknowledged record %d after kill %d", ack.getKey(), run)
            .isEqualTo(ack.getValue());
      }
      AuditLogVerifier.Builder v = AuditLogVerifier.builder(key.publicKey()).requireSealed(true);
      if (previous != null) {
        v.trustedCheckpoint(previous);
        assertThat(AuditLogProofs.consistencyProof(logDir, previous.treeSize(), sealed.treeSize())
            .verify(previous, sealed, key.publicKey())).isTrue();
      }
      AuditLogVerifier.VerificationResult result = v.build().verify(logDir);
      assertThat(result.problem()).as("verification after kill %d", run).isNull();
      previous = sealed;
    }
    assertThat(acknowledged.size()).isGreaterThanOrEqualTo(KILLS);
    System.out.printf("crash test: %d kills, %d acknowledged records, %d torn tails repaired%n", KILLS,
        acknowledged.size(), repairs);
  }

  private static String javaBin() {
    return Path.of(System.getProperty("java.home"), "bin", "java" + (File.separatorChar == '\\' ? ".exe" : ""))
        .toString();
  }

}
