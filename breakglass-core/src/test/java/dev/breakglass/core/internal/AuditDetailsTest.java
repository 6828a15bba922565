package dev.breakglass.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakglass.AuditEvent;
import dev.breakglass.AuditEventType;
import dev.breakglass.core.audit.Fingerprinter;
import dev.breakglass.core.audit.JsonLinesAuditSink;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditDetailsTest {
  private final Fingerprinter fingerprinter = new Fingerprinter(new byte[32]);
  private final AuditDetails.Protection protection = new AuditDetails.Protection(fingerprinter, Set.of("prod-db"));

  private AuditDetails details() {
    return new AuditDetails(protection);
  }

  @Test
  void undeclaredKeyIsWrittenAsItsFingerprint() {
    AuditDetails d = details().put("badgeSerial", "E-10442");
    assertThat(d.get("badgeSerial")).isEqualTo(fingerprinter.fingerprint("E-10442")).doesNotContain("E-10442");
  }

  @Test
  void keyDeclaredClearIsWrittenAsItIs() {
    assertThat(details().put("reason", "IdP outage").get("reason")).isEqualTo("IdP outage");
  }

  @Test
  void keysDeclaredSensitiveAreFingerprinted() {
    AuditDetails d = details().put("client", "10.1.2.3").put("identification.badge", "E-10442");
    assertThat(d.get("client")).isEqualTo(fingerprinter.fingerprint("10.1.2.3"));
    assertThat(d.get("identification.badge")).isEqualTo(fingerprinter.fingerprint("E-10442"));
  }

  @Test
  void configuredNamesAreClearButOnlyThoseNames() {
    AuditDetails d = details().put("prod-db", "FRESH").put("prod-db2", "FRESH");
    assertThat(d.get("prod-db")).isEqualTo("FRESH");
    assertThat(d.get("prod-db2")).isEqualTo(fingerprinter.fingerprint("FRESH"));
  }

  @Test
  void putSensitiveFingerprintsEvenAClearKey() {
    assertThat(details().putSensitive("ticket", "INC-4711").get("ticket"))
        .isEqualTo(fingerprinter.fingerprint("INC-4711"));
  }

  @Test
  void secretIsFingerprintedUnderTheCredentialKeyWithoutBecomingAString() {
    char[] secret = "canary-S3cr3t".toCharArray();
    assertThat(details().putSecret("credential", secret).get("credential"))
        .isEqualTo(fingerprinter.credentialFingerprint("canary-S3cr3t".toCharArray()))
        .isNotEqualTo(fingerprinter.fingerprint("canary-S3cr3t"));
  }

  @Test
  void everyDeclaredSensitiveKeyIsNotClearAndEveryOtherDeclarationIs() {
    assertThat(AuditDetail.isClear("client")).isFalse();
    assertThat(AuditDetail.isClear("credential")).isFalse();
    assertThat(AuditDetail.isClear("identification.anything")).isFalse();
    assertThat(AuditDetail.isClear("reason")).isTrue();
    assertThat(AuditDetail.of("newDetailNobodyDeclared")).isNull();
    assertThat(AuditDetail.isClear("newDetailNobodyDeclared")).isFalse();
  }

  @Test
  void recorderFingerprintsANewUndeclaredDetailInTheDurableRecordAndTheAlert(@TempDir Path dir) {
    Path file = dir.resolve("audit.jsonl");
    List<dev.breakglass.spi.Alert> alerts = new java.util.ArrayList<>();
    try (JsonLinesAuditSink sink = JsonLinesAuditSink.open(file)) {
      Recorder recorder = new Recorder(sink, alert -> {
        alerts.add(alert);
        return CompletableFuture.completedFuture(null);
      }, Clock.fixed(Instant.parse("2026-11-28T10:00:00Z"), ZoneOffset.UTC), protection);
      recorder.record(AuditEventType.ACCESS_REQUESTED, "alice", null, "prod-db",
          Map.of("reason", "outage", "deviceFingerprint", "laptop-4711"), "summary");
    }
    AuditEvent written = JsonLinesAuditSink.read(file).get(0).event();
    assertThat(written.details()).containsEntry("reason", "outage")
        .containsEntry("deviceFingerprint", fingerprinter.fingerprint("laptop-4711"));
    assertThat(alerts).singleElement().satisfies(a ->
        assertThat(a.details()).containsEntry("deviceFingerprint", fingerprinter.fingerprint("laptop-4711")));
  }
}
