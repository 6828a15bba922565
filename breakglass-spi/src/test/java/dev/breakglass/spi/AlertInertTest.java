package dev.breakglass.spi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakglass.AuditEventType;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link Alert#inert()} escapes every text component and leaves clean alerts as they are. */
class AlertInertTest {
  private static final Instant T = Instant.parse("2026-03-01T10:15:30Z");

  @Test
  void everyTextComponentIsEscaped() {
    Alert hostile = new Alert("id\r\n1", T, Severity.HIGH, AuditEventType.GRANT_ISSUED, "sum\u001B[31m",
        "g\u2028", "acc\u202Eount", Map.of("k\n", "v\u0085", "ticket", "INC\u200B-7"));
    Alert inert = hostile.inert();
    assertThat(inert.id()).isEqualTo("id\\u000D\\u000A1");
    assertThat(inert.summary()).isEqualTo("sum\\u001B[31m");
    assertThat(inert.grantId()).isEqualTo("g\\u2028");
    assertThat(inert.account()).isEqualTo("acc\\u202Eount");
    assertThat(inert.details()).containsEntry("k\\u000A", "v\\u0085").containsEntry("ticket", "INC\\u200B-7");
    assertThat(inert.time()).isEqualTo(T);
    assertThat(inert.severity()).isEqualTo(Severity.HIGH);
    assertThat(inert.type()).isEqualTo(AuditEventType.GRANT_ISSUED);
  }

  @Test
  void aCleanAlertIsReturnedItself() {
    Alert clean = new Alert("id-1", T, Severity.INFO, AuditEventType.GRANT_ISSUED, "Grant issued to Zoë", null, null,
        Map.of("ticket", "INC-7"));
    assertThat(clean.inert()).isSameAs(clean);
  }
}
