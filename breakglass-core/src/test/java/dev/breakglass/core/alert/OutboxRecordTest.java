package dev.breakglass.core.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakglass.AuditEventType;
import dev.breakglass.spi.Alert;
import dev.breakglass.spi.Severity;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every outbox record round-trips through its JSON line, and a damaged line is named. */
class OutboxRecordTest {
  static final Instant T = Instant.parse("2026-03-01T12:00:00Z");

  static OutboxRecord roundTrip(OutboxRecord r) {
    return OutboxRecord.decode(new String(OutboxRecord.encode(r), StandardCharsets.UTF_8));
  }

  @Test
  void anAcceptedAlertRoundTripsWithItsDetailsChannelsAndOptionalFields() {
    Map<String, String> details = new LinkedHashMap<>();
    details.put("reason", "outage");
    details.put("ticket", "INC-7");
    Alert full = new Alert("a-1", T, Severity.CRITICAL, AuditEventType.USE_OUTSIDE_EMERGENCY, "db-root used",
        "g1", "db-root", details);
    OutboxRecord.Accepted a = (OutboxRecord.Accepted) roundTrip(new OutboxRecord.Accepted(full, T.plusSeconds(1),
        List.of("pager", "chat")));
    assertThat(a.alert()).isEqualTo(full);
    assertThat(a.alert().details()).containsExactlyEntriesOf(details);
    assertThat(a.at()).isEqualTo(T.plusSeconds(1));
    assertThat(a.channels()).containsExactly("pager", "chat");

    Alert bare = new Alert("a-2", T, Severity.INFO, AuditEventType.AUDIT_CHECKPOINT, "checkpoint", null, null, Map.of());
    String json = new String(OutboxRecord.encode(new OutboxRecord.Accepted(bare, T, List.of())), StandardCharsets.UTF_8);
    assertThat(json).doesNotContain("\"grant\"", "\"account\"");
    OutboxRecord.Accepted b = (OutboxRecord.Accepted) OutboxRecord.decode(json);
    assertThat(b.alert().grantId()).isNull();
    assertThat(b.alert().account()).isNull();
    assertThat(b.channels()).isEmpty();
  }

  @Test
  void outcomesRoundTrip() {
    assertThat(roundTrip(new OutboxRecord.Delivered("a-1", "pager", 2, T)))
        .isEqualTo(new OutboxRecord.Delivered("a-1", "pager", 2, T));
    assertThat(roundTrip(new OutboxRecord.Failed("a-1", "chat", 5, "HTTP 503", T)))
        .isEqualTo(new OutboxRecord.Failed("a-1", "chat", 5, "HTTP 503", T));
    assertThat(roundTrip(new OutboxRecord.Done("a-1", true, null, T)))
        .isEqualTo(new OutboxRecord.Done("a-1", true, null, T));
    assertThat(roundTrip(new OutboxRecord.Done("a-1", false, "no confirming channel", T)))
        .isEqualTo(new OutboxRecord.Done("a-1", false, "no confirming channel", T));
    assertThat(new String(OutboxRecord.encode(new OutboxRecord.Done("a-1", true, null, T)), StandardCharsets.UTF_8))
        .doesNotContain("failure");
    assertThat(OutboxRecord.decode("{\"op\":\"done\",\"id\":\"a\",\"at\":\"" + T + "\",\"failure\":null}"))
        .isEqualTo(new OutboxRecord.Done("a", false, null, T));
  }

  @Test
  void aDamagedLineIsNamed() {
    assertThatThrownBy(() -> OutboxRecord.decode("[1]")).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("not a JSON object");
    assertThatThrownBy(() -> OutboxRecord.decode("{\"op\":")).hasMessageStartingWith("not valid JSON: ");
    assertThatThrownBy(() -> OutboxRecord.decode("{\"op\":\"done\",\"at\":\"" + T + "\"}"))
        .hasMessage("missing field 'id'");
    assertThatThrownBy(() -> OutboxRecord.decode("{\"op\":\"done\",\"id\":null,\"at\":\"" + T + "\"}"))
        .hasMessage("missing field 'id'");
    assertThatThrownBy(() -> OutboxRecord.decode("{\"op\":\"sent\",\"id\":\"a\",\"at\":\"" + T + "\"}"))
        .hasMessage("unknown op 'sent'");
    assertThatThrownBy(() -> OutboxRecord.decode("{\"op\":\"alert\",\"id\":\"a\",\"at\":\"" + T + "\"}"))
        .hasMessage("missing field 'alert'");
    assertThatThrownBy(() -> OutboxRecord.decode("{\"op\":\"alert\",\"id\":\"a\",\"at\":\"" + T + "\",\"alert\":1}"))
        .hasMessage("missing field 'alert'");
    assertThatThrownBy(() -> OutboxRecord.decode("{\"op\":\"done\",\"id\":\"a\",\"at\":\"yesterday\"}"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> OutboxRecord.decode("{\"op\":\"alert\",\"id\":\"a\",\"at\":\"" + T + "\",\"alert\":"
        + "{\"time\":\"" + T + "\",\"severity\":\"LOUD\",\"type\":\"AUDIT_CHECKPOINT\",\"summary\":\"s\"}}"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("LOUD");
  }
}
