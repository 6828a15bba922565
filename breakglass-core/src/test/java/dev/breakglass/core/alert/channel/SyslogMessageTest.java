package dev.breakglass.core.alert.channel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakglass.AuditEventType;
import dev.breakglass.spi.Alert;
import dev.breakglass.spi.Severity;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** {@link SyslogMessage}: what RFC 5424 allows in each field, and where each field is cut. */
class SyslogMessageTest {
  private static final Instant TIME = Instant.parse("2026-03-01T10:15:30.5Z");

  private static String format(SyslogMessage m, Alert alert) {
    return new String(m.format(alert), StandardCharsets.UTF_8);
  }

  private static SyslogMessage message(String hostname) {
    return new SyslogMessage(SyslogAlertChannel.Facility.AUTH, hostname, "app", "42", "bg@32473");
  }

  private static Alert alert(Map<String, String> details) {
    return new Alert("a-1", TIME, Severity.INFO, AuditEventType.GRANT_ISSUED, "summary", null, null, details);
  }

  @Test
  void alertWithoutGrantOrAccount_hasNeitherParameter() {
    assertThat(format(message("h"), alert(Map.of()))).isEqualTo("<37>1 2026-03-01T10:15:30.500000Z h app 42 GRANT_ISSUED"
        + " [bg@32473 id=\"a-1\" severity=\"INFO\" type=\"GRANT_ISSUED\"] \uFEFFsummary");
  }

  @Test
  void hostname_isCutAt255Characters() {
    String field = format(message("h".repeat(300)), alert(Map.of())).split(" ")[2];

    assertThat(field).isEqualTo("h".repeat(255));
  }

  @Test
  void headerFields_keepPrintableAsciiOnly() {
    String field = format(message("a b\u007Fc!~\u00E9"), alert(Map.of())).split(" ")[2];

    assertThat(field).isEqualTo("a_b_c!~_");
  }

  @Test
  void emptyHeaderField_isTheNilValue() {
    assertThat(format(message(""), alert(Map.of())).split(" ")[2]).isEqualTo("-");
  }

  @Test
  void detailNames_areCutTo32Characters() {
    String msg = format(message("h"), alert(Map.of("k".repeat(40), "v")));

    assertThat(msg).contains(" d." + "k".repeat(30) + "=\"v\"]");
  }

  @Test
  void paramNames_replaceEveryCharacterSyslogForbids() {
    assertThat(SyslogMessage.paramName("a b=c]d\"e\u007Ff\u00E9g!~")).isEqualTo("a_b_c_d_e_f_g!~");
    assertThat(SyslogMessage.paramName("")).isEqualTo("_");
    assertThat(SyslogMessage.paramName("x".repeat(32))).hasSize(32);
  }

  @Test
  void detailsAreWrittenInTheirMapOrder() {
    String msg = format(message("h"), alert(new TreeMap<>(Map.of("b", "2", "a", "1"))));

    assertThat(msg).contains(" d.a=\"1\" d.b=\"2\"]");
  }

  @Test
  void priority_isFacilityTimesEightPlusSeverity() {
    SyslogMessage local7 = new SyslogMessage(SyslogAlertChannel.Facility.LOCAL7, "h", "app", "1", "bg@32473");
    Alert critical = new Alert("a", TIME, Severity.CRITICAL, AuditEventType.GRANT_ISSUED, "s", null, null, Map.of());

    assertThat(format(local7, critical)).startsWith("<185>1 ");
    assertThat(SyslogAlertChannel.Facility.KERN.code()).isZero();
    assertThat(SyslogAlertChannel.Facility.LOCAL7.code()).isEqualTo(23);
  }
}
