package dev.breakglass.core.evidence;

import static dev.breakglass.core.evidence.HandWrittenDrillLog.CAROL;
import static dev.breakglass.core.evidence.HandWrittenDrillLog.CAROL_PAIR;
import static dev.breakglass.core.evidence.HandWrittenDrillLog.DAVE;
import static dev.breakglass.core.evidence.HandWrittenDrillLog.DAVE_PAIR;
import static dev.breakglass.core.evidence.HandWrittenDrillLog.DRILL;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakglass.core.audit.AuditLogCorruptException;
import dev.breakglass.core.audit.Checkpoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * What export takes from a log written record by record: the registrations in force of the keys
 * that signed, in log order; a later checkpoint only when the log grew; a damaged tail after the
 * drill's checkpoint ignored, damage before it refused; and a drill that cannot be exported yet.
 */
class DrillEvidenceExportTest {
  @TempDir Path dir;
  HandWrittenDrillLog log;

  @BeforeEach
  void openLog() {
    log = new HandWrittenDrillLog(dir.resolve("audit"));
  }

  @AfterEach
  void closeLog() {
    log.close();
  }

  Path out() {
    return dir.resolve("drills");
  }

  @Test
  void theKeysThatSignedAreCarriedInLogOrderNotInTheOrderTheySigned() throws IOException {
    long carolRegistered = log.register(CAROL);
    long daveRegistered = log.register(DAVE);
    log.start();
    log.approve(DAVE, DAVE_PAIR);
    log.approve(CAROL, CAROL_PAIR);
    log.complete();
    log.checkpoint();
    DrillEvidence.Written written = log.export(out());

    JsonNode keys = HandWrittenDrillLog.json(written.pack()).path("custodianKeys");
    assertThat(keys).hasSize(2);
    assertThat(keys.get(0).path("index").asLong()).isEqualTo(carolRegistered);
    assertThat(keys.get(1).path("index").asLong()).isEqualTo(daveRegistered);
    DrillEvidence.Verification v = DrillEvidence.verify(written.pack(), log.key.publicKey());
    assertThat(v.failures()).isEmpty();
    assertThat(v.signedDecisions()).isEqualTo(2);
    assertThat(v.custodianKeys()).containsExactly("carol " + CAROL.keyId(), "dave " + DAVE.keyId());
  }

  @Test
  void aKeyRemovedBeforeItSignedIsNotCarriedAsIfItWereInForce() throws IOException {
    log.register(CAROL);
    log.remove(CAROL);
    log.start();
    log.approve(CAROL, CAROL_PAIR);
    log.complete();
    log.checkpoint();
    DrillEvidence.Written written = log.export(out());

    assertThat(HandWrittenDrillLog.json(written.pack()).path("custodianKeys")).isEmpty();
    DrillEvidence.Verification v = DrillEvidence.verify(written.pack(), log.key.publicKey());
    assertThat(v.custodianKeys()).isEmpty();
    assertThat(v.failures()).singleElement().satisfies(f -> assertThat(f).endsWith(
        "APPROVAL_ACCEPTED): carol's signed decision does not re-verify (KEY_NOT_REGISTERED): key " + CAROL.keyId()
            + " was never registered before this decision"));
  }

  @Test
  void aKeyRegisteredAgainAfterItsRemovalIsCarriedWithItsNewRegistration() throws IOException {
    log.register(CAROL);
    log.remove(CAROL);
    long again = log.register(CAROL);
    log.start();
    log.approve(CAROL, CAROL_PAIR);
    log.complete();
    log.checkpoint();
    DrillEvidence.Written written = log.export(out());

    JsonNode keys = HandWrittenDrillLog.json(written.pack()).path("custodianKeys");
    assertThat(keys).singleElement().satisfies(k -> assertThat(k.path("index").asLong()).isEqualTo(again));
    assertThat(DrillEvidence.verify(written.pack(), log.key.publicKey()).failures()).isEmpty();
  }

  @Test
  void aLaterCheckpointIsCarriedOnlyWhenTheLogGrewPastTheDrillsCheckpoint() throws IOException {
    log.start();
    log.complete();
    Checkpoint covering = log.checkpoint();
    DrillEvidence.Written first = log.export(out());
    assertThat(first.checkpoint()).isEqualTo(covering);
    assertThat(HandWrittenDrillLog.json(first.pack()).has("laterCheckpoint")).isFalse();
    assertThat(HandWrittenDrillLog.json(first.pack()).has("consistencyProof")).isFalse();

    log.register(CAROL);
    log.register(DAVE);
    Checkpoint newest = log.checkpoint();
    DrillEvidence.Written second = log.export(dir.resolve("later"));
    JsonNode pack = HandWrittenDrillLog.json(second.pack());
    assertThat(second.checkpoint()).isEqualTo(covering);
    assertThat(pack.path("laterCheckpoint").asString()).isEqualTo(newest.toText());
    assertThat(pack.path("consistencyProof").isArray()).isTrue();
    assertThat(DrillEvidence.verify(second.pack(), log.key.publicKey(), newest, null).failures()).isEmpty();
  }

  @Test
  void aTornTailAfterTheDrillsCheckpointOnlyEndsTheReading() throws IOException {
    log.start();
    log.complete();
    Checkpoint covering = log.checkpoint();
    log.close();
    Path segment = onlySegment();
    Files.write(segment, new byte[] {1, 0, 0, 0, 40, 7, 7}, java.nio.file.StandardOpenOption.APPEND);

    DrillEvidence.Written written = log.export(out());
    assertThat(written.records()).isEqualTo(3);
    assertThat(DrillEvidence.verify(written.pack(), log.key.publicKey()).failures()).isEmpty();
    assertThat(written.checkpoint()).isEqualTo(covering);
  }

  @Test
  void damageBeforeTheDrillIsCoveredIsRefusedWithTheLogsOwnError() throws IOException {
    log.start();
    log.complete();
    log.checkpoint();
    log.close();
    Path segment = onlySegment();
    byte[] bytes = Files.readAllBytes(segment);
    byte[] marker = "DRILL_COMPLETED".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    int at = indexOf(bytes, marker);
    assertThat(at).isPositive();
    bytes[at] = 'X';
    Files.write(segment, bytes);

    assertThatThrownBy(() -> log.export(out())).isInstanceOf(AuditLogCorruptException.class);
  }

  @Test
  void damageAtTheVeryStartOfTheLogIsRefusedNotTakenAsAnEmptyLog() throws IOException {
    log.start();
    log.complete();
    log.checkpoint();
    log.close();
    Path segment = onlySegment();
    byte[] bytes = Files.readAllBytes(segment);
    // the first frame after the segment header: the checkpoint of the new, empty log
    bytes[24 + 13 + 2] ^= 0x01;
    Files.write(segment, bytes);

    assertThatThrownBy(() -> log.export(out())).isInstanceOf(AuditLogCorruptException.class);
  }

  @Test
  void aDrillThatHasNotFinishedOrIsNotCoveredYetIsNamed() {
    log.start();
    log.checkpoint();
    assertThatThrownBy(() -> log.export(out())).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("drill " + DRILL + " has not finished: the audit log " + log.directory + " has no DRILL_COMPLETED"
            + " or DRILL_FAILED record for it; complete the drill first");

    log.complete();
    assertThatThrownBy(() -> log.export(out())).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("no signed checkpoint in " + log.directory + " covers the end of drill " + DRILL + " yet; the "
            + "engine signs one when a drill ends, and at the latest when it closes: retry then");
    assertThat(out()).doesNotExist();
  }

  private Path onlySegment() throws IOException {
    try (Stream<Path> files = Files.list(log.directory)) {
      List<Path> segments = files.filter(p -> p.getFileName().toString().endsWith(".bgaudit")).toList();
      assertThat(segments).hasSize(1);
      return segments.get(0);
    }
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
