package dev.breakglass.core.alert;

import static dev.breakglass.core.alert.channel.TestSupport.alert;
import static org.assertj.core.api.Assertions.assertThat;

import dev.breakglass.core.alert.channel.TestSupport.RecordingListener;
import dev.breakglass.core.alert.channel.CapturingLogger;
import dev.breakglass.core.alert.channel.Slf4jAlertChannel;
import dev.breakglass.core.alert.channel.TestSupport;
import dev.breakglass.core.alert.channel.SyslogAlertChannel;
import dev.breakglass.core.alert.channel.SyslogListener;
import dev.breakglass.core.alert.channel.WebhookAlertChannel;
import dev.breakglass.core.alert.channel.WebhookReceiver;
import dev.breakglass.spi.Alert;
import dev.breakglass.spi.Severity;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end: a dispatcher with a signed webhook (whose receiver first fails, so failure reasons are
 * recorded too), TCP syslog and the log, each configured with a canary secret where it holds one.
 * The canary must not appear in anything a receiver got, in the log, in the outbox on disk, or in
 * the reasons handed to the listener.
 */
class AlertSecretCanaryTest {
  @TempDir Path dir;

  @Test
  void noChannelSecretReachesAnyReceiverTheLogOrTheOutbox() throws Exception {
    String canary = "canary-" + UUID.randomUUID();
    byte[] canaryBytes = canary.getBytes(StandardCharsets.UTF_8);
    List<String> forms = List.of(canary, Base64.getEncoder().encodeToString(canaryBytes),
        HexFormat.of().formatHex(canaryBytes));
    CapturingLogger log = new CapturingLogger("alerts", false);
    RecordingListener listener = new RecordingListener();
    List<Alert> alerts = new ArrayList<>();
    try (WebhookReceiver hook = WebhookReceiver.start(); SyslogListener syslog = SyslogListener.tcp()) {
      hook.answer(n -> n <= 2 ? 500 : 200);
      try (OutboxAlertDispatcher d = OutboxAlertDispatcher.builder(dir.resolve("outbox"))
          .backoff(Duration.ofMillis(5), Duration.ofMillis(20))
          .listener(listener)
          .channel("hook", WebhookAlertChannel.builder(hook.uri()).signingKey(canaryBytes).build(), Severity.INFO)
          .channel("syslog", SyslogAlertChannel.builder("127.0.0.1", syslog.port()).build(), Severity.INFO)
          .channel("log", TestSupport.slf4jChannel(log), Severity.INFO)
          .build()) {
        for (Severity s : Severity.values()) {
          Alert a = alert(s);
          alerts.add(a);
          d.dispatch(a).get(20, TimeUnit.SECONDS);
        }
        listener.await("delivered", 9);
        assertThat(d.toString()).doesNotContain(canary);
      }
      List<String> seen = new ArrayList<>();
      hook.requests().forEach(r -> seen.add(r.asText()));
      seen.addAll(syslog.await(3));
      seen.addAll(log.lines());
      try (Stream<Path> files = Files.list(dir.resolve("outbox"))) {
        for (Path f : files.toList()) {
          seen.add(Files.readString(f));
        }
      }
      listener.events().forEach(e -> seen.add(e.toString()));
      // the alerts did arrive everywhere, so the check below looked at real payloads
      for (Alert a : alerts) {
        assertThat(hook.accepted()).anySatisfy(r -> assertThat(r.bodyText()).contains(a.id()));
        assertThat(syslog.await(3)).anySatisfy(m -> assertThat(m).contains(a.id()));
        assertThat(log.lines()).anySatisfy(m -> assertThat(m).contains(a.id()));
      }
      for (String form : forms) {
        assertThat(seen).noneMatch(text -> text.contains(form));
      }
    }
  }
}
