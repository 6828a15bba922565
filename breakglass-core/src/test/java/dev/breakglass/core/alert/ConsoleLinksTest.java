package dev.breakglass.core.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakglass.AuditEventType;
import dev.breakglass.ProviderException;
import dev.breakglass.spi.Alert;
import dev.breakglass.spi.Severity;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Alerts that link to the console: the page of their request, or the console itself. */
class ConsoleLinksTest {
  final List<Alert> sent = new ArrayList<>();
  boolean closed;

  final AlertDispatcher recording = new AlertDispatcher() {
    @Override
    public CompletableFuture<Void> dispatch(Alert alert) {
      sent.add(alert);
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public void close() {
      closed = true;
    }
  };

  static Alert alert(String grantId) {
    return new Alert("a-1", Instant.parse("2026-03-01T12:00:00Z"), Severity.HIGH, AuditEventType.ACCESS_REQUESTED,
        "alice requested db-root", grantId, "db-root", Map.of("reason", "outage"));
  }

  @Test
  void anAlertAboutARequestLinksToItsPageAndKeepsEverythingElse() {
    ConsoleLinks links = ConsoleLinks.wrap(recording, "  https://ops.example.com/breakglass// ");
    assertThat(links.dispatch(alert("bg 1/2"))).isCompleted();
    Alert out = sent.get(0);
    assertThat(out.details()).containsEntry(ConsoleLinks.DETAIL, "https://ops.example.com/breakglass/requests/bg+1%2F2")
        .containsEntry("reason", "outage").hasSize(2);
    assertThat(out).extracting(Alert::id, Alert::severity, Alert::type, Alert::summary, Alert::grantId, Alert::account)
        .containsExactly("a-1", Severity.HIGH, AuditEventType.ACCESS_REQUESTED, "alice requested db-root", "bg 1/2",
            "db-root");
    assertThat(out.time()).isEqualTo(Instant.parse("2026-03-01T12:00:00Z"));
    assertThat(links.requestPage("g-7")).isEqualTo("https://ops.example.com/breakglass/requests/g-7");
    assertThat(links.delegate()).isSameAs(recording);
  }

  @Test
  void anAlertAboutNoRequestLinksToTheConsole() {
    ConsoleLinks.wrap(recording, "http://localhost:8080").dispatch(alert(null));
    assertThat(sent.get(0).details()).containsEntry(ConsoleLinks.DETAIL, "http://localhost:8080/");
  }

  @Test
  void closingTheLinksClosesTheDispatcher() {
    ConsoleLinks.wrap(recording, "https://ops.example.com").close();
    assertThat(closed).isTrue();
  }

  @Test
  void onlyAnAbsoluteHttpUrlWithoutQueryOrFragmentIsAConsole() {
    assertThat(ConsoleLinks.wrap(recording, "HTTPS://ops.example.com").requestPage("g"))
        .isEqualTo("HTTPS://ops.example.com/requests/g");
    for (String bad : new String[] {"ops.example.com/breakglass", "ftp://ops.example.com", "https:///path",
        "https://ops.example.com/?x=1", "https://ops.example.com/#top", "/breakglass", ""}) {
      assertThatThrownBy(() -> ConsoleLinks.wrap(recording, bad)).as(bad).isInstanceOf(ProviderException.class)
          .hasMessageContaining("must be the console's absolute http(s) URL without query or fragment")
          .hasMessageContaining("was '" + bad + "'");
    }
    assertThatThrownBy(() -> ConsoleLinks.wrap(recording, "https://ops example.com"))
        .isInstanceOf(ProviderException.class).hasMessageContaining("property 'alert.console-url' is not a URL");
  }
}
