package dev.breakglass.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import dev.breakglass.AuditEvent;
import dev.breakglass.AuditEventType;
import dev.breakglass.core.audit.AuditLogReader;
import java.util.List;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's demo runs end to end and tells the story it promises. */
class IncidentDemoTest {
  @Test
  void demoRunsTheWholeIncident(@TempDir Path dir) throws Exception {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    IncidentDemo.run(dir.resolve("data"), new PrintStream(buf, true, StandardCharsets.UTF_8));
    String out = buf.toString(StandardCharsets.UTF_8);
    // The story's own lines come in order; alerts arrive asynchronously, so only their presence is checked.
    assertThat(out).containsSubsequence(
        "jane signed in through the identity provider",
        "-> refused INVALID_CREDENTIALS",
        "the audit record and the CRITICAL alert say NOT_IN_EMERGENCY",
        "emergency state: OPEN (primary unhealthy) since",
        "refused SELF_APPROVAL",
        "grant is ACTIVE",
        "refused ALREADY_RELEASED",
        "emergency access = true",
        "grant is EXPIRED",
        "alice signs in again after expiry -> refused INVALID_CREDENTIALS",
        "the audit record says GRANT_NOT_ACTIVE",
        "the old break-glass credential is tried outside the emergency -> refused INVALID_CREDENTIALS",
        "Audit trail",
        "POST-INCIDENT REVIEW",
        "Grants (2 requests, 2 issued, 1 of them a drill)",
        "bg-drill-", "alice -> prod-db-admin (DRILL, never real access)",
        "grants not ended: none",
        "accounts not rotated since their last grant: none");
    assertThat(out).contains("CRITICAL USE_OUTSIDE_EMERGENCY", "HIGH     EMERGENCY_OPENED", "HIGH     GRANT_ISSUED",
        "HIGH     CREDENTIAL_RELEASED", "HIGH     EMERGENCY_LOGIN", "CREDENTIAL_ROTATED", "EMERGENCY_CLOSED");
    assertThat(out).contains("verified with audit.pub");
    // Each step's alerts are printed under that step, after waiting for them.
    assertThat(out).containsSubsequence("== Normal day", "CRITICAL USE_OUTSIDE_EMERGENCY", "== Outage",
        "EMERGENCY_OPENED", "== Request", "ACCESS_REQUESTED", "== Approvals", "APPROVAL_REFUSED", "GRANT_ISSUED",
        "== Release", "CREDENTIAL_RELEASED", "CREDENTIAL_RELEASE_REFUSED", "== Sign-in", "HIGH     EMERGENCY_LOGIN ",
        "== Expiry", "GRANT_EXPIRED", "== Rotation", "ROTATION_STARTED", "CREDENTIAL_ROTATED", "== Recovery",
        "its alert joins the minute's summary of refused logins", "EMERGENCY_CLOSED", "== Drill",
        "filed by alice; the custodians approve it like any request", "carol and dave approved (2 of 2)",
        "passed: released, proven at its target", "== Audit trail");
    // The drill's alerts, all marked, are printed under the drill step (in the order they arrived).
    String drillStep = out.substring(out.indexOf("== Drill"), out.indexOf("== Audit trail"));
    for (String type : List.of("DRILL_STARTED", "ACCESS_REQUESTED", "APPROVAL_ACCEPTED", "GRANT_ISSUED",
        "CREDENTIAL_RELEASED", "GRANT_CLOSED", "ROTATION_STARTED", "CREDENTIAL_ROTATED", "DRILL_COMPLETED")) {
      assertThat(drillStep).containsPattern("ALERT \\w+ +" + type + " \\[prod-db-admin\\]: \\[DRILL\\] ");
    }
    assertThat(out).doesNotContain("alerts no step expected");
    // Times to the second, plurals, and checkpoint roots in base64 as the CLI prints them.
    assertThat(out).doesNotContainPattern("\\d{2}:\\d{2}:\\d{2}\\.\\d+Z").doesNotContainPattern("\\d\\.\\d{3}s\\]")
        .contains("needs 2 approvals", "(32 characters, never printed)")
        .containsPattern("last checkpoint: \\d+ records, root [A-Za-z0-9+/]{43}=, Ed25519 key")
        .containsPattern("Verified against the signed checkpoint of \\d+ records, root [A-Za-z0-9+/]{43}=");
    // It ends with the reviews it wrote, then the drill's report and evidence pack, which verify offline.
    Path html = dir.resolve("data").resolve("review.html");
    assertThat(out).contains("Markdown:                 " + dir.resolve("data").resolve("review.md"));
    java.util.regex.Matcher drill = java.util.regex.Pattern.compile(
        "Drill report \\(HTML\\): (\\S+)\\R  Drill evidence pack: (\\S+)$").matcher(out.strip());
    assertThat(drill.find()).as(out).isTrue();
    Path drillReport = Path.of(drill.group(1));
    Path pack = Path.of(drill.group(2));
    assertThat(pack.getParent()).isEqualTo(dir.resolve("data").resolve("drills"));
    assertThat(Files.readString(drillReport)).contains("prod-db-admin", "DRILL_COMPLETED");
    assertThat(dev.breakglass.core.evidence.DrillEvidence.verify(pack, dev.breakglass.core.audit.AuditPublicKey.read(
        dir.resolve("data").resolve("audit.pub"))).valid()).isTrue();
    assertThat(out).contains("check it anywhere: breakglass evidence verify " + pack);
    assertThat(out).contains("HTML (open in a browser): " + html);
    assertThat(Files.readString(html)).contains("id=\"timeline\"", "EMERGENCY_LOGIN", "Verified against");
    assertThat(Files.readString(dir.resolve("data").resolve("review.json"))).contains("\"format\" : ");
    List<AuditEvent> events = AuditLogReader.readEvents(dir.resolve("data").resolve("audit"));
    assertThat(events).extracting(AuditEvent::type).contains(AuditEventType.CREDENTIAL_ROTATED);
    assertThat(events.toString()).doesNotContain("10.20.30.40").doesNotContain("E-10442");
  }
}
