package dev.breakglass.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakglass.AccountPolicy;
import dev.breakglass.AuditEvent;
import dev.breakglass.AuditEventType;
import dev.breakglass.BreakGlass;
import dev.breakglass.BreakGlassPolicy;
import dev.breakglass.ProviderException;
import dev.breakglass.core.audit.AuditPublicKey;
import dev.breakglass.core.audit.AuditSigningKey;
import dev.breakglass.core.audit.JsonLinesAuditSink;
import dev.breakglass.spi.Alert;
import dev.breakglass.spi.AlertChannel;
import dev.breakglass.tck.fixtures.InMemoryCredentialVault;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How {@link BreakGlassEngine.Builder} wires the embedded defaults, and how a failed build ends. */
class BreakGlassEngineWiringTest {
  static final BreakGlassPolicy POLICY = BreakGlassPolicy.builder().incidentDeclarers("sre-lead")
      .account(AccountPolicy.builder("db").requesters("alice").build()).build();

  @TempDir Path dir;

  private BreakGlassEngine.Builder builder() {
    return BreakGlassEngine.builder().policy(POLICY).dataDirectory(dir).vault(new InMemoryCredentialVault())
        .fingerprintKey(new byte[32]).background(false);
  }

  /** Accepts every alert; named like every instance of it, so the engine must key them apart. */
  static final class Recorder implements AlertChannel {
    @Override
    public String name() {
      return "recorder";
    }

    @Override
    public void deliver(Alert alert) {}
  }

  @Test
  void thresholdsOfOne_areAccepted() {
    BreakGlass engine = builder().fallThreshold(1).riseThreshold(1).passiveFallThreshold(1).build();
    engine.close();
  }

  @Test
  void aThresholdOfZero_isRefusedWithAllThreeValues() {
    assertThatThrownBy(() -> builder().riseThreshold(0).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("fallThreshold, riseThreshold and passiveFallThreshold must be at least 1, were 3, 0 and 3");
    assertThatThrownBy(() -> builder().passiveFallThreshold(0).build())
        .hasMessageEndingWith("were 3, 2 and 0");
  }

  @Test
  void withADataDirectory_theDefaultGrantStoreIsTheDurableFileStore() {
    try (BreakGlass engine = builder().build()) {
      assertThat(dir.resolve("state").resolve("grants.journal")).isRegularFile();
    }
  }

  @Test
  void theDefaultAuditLog_publishesTheKeyThatVerifiesIt() throws Exception {
    try (BreakGlass engine = builder().build()) {
      Path published = dir.resolve(BreakGlassEngine.AUDIT_PUBLIC_KEY_FILE);
      assertThat(published).isRegularFile();
      AuditPublicKey expected = AuditSigningKey.loadOrCreate(dir.resolve("keys").resolve("audit-signing.key"))
          .publicKey();
      assertThat(AuditPublicKey.parse(Files.readString(published))).isEqualTo(expected);
    }
  }

  @Test
  void aFailedBuild_releasesWhatItOpened_soACorrectedBuildOnTheSameDirectorySucceeds() {
    assertThatThrownBy(() -> BreakGlassEngine.builder().policy(POLICY).dataDirectory(dir)
        .fingerprintKey(new byte[32]).background(false).property("vault", "no-such-vault").build())
        .isInstanceOf(ProviderException.class)
        .hasMessageContaining("no-such-vault");
    assertThat(dir.resolve("state").resolve("grants.journal")).as("the grant store was opened").exists();

    try (BreakGlass engine = builder().build()) {
      assertThat(engine.policy()).isEqualTo(POLICY);
    }
  }

  @Test
  void anUnexpectedFailure_isWrappedNamingTheEngine() {
    assertThatThrownBy(() -> builder().fingerprintKey(new byte[5]).build())
        .isInstanceOf(ProviderException.class)
        .hasMessageContaining("could not build the breakglass engine: fingerprint key must be at least 32 bytes, was 5")
        .hasCauseInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void channelsGivenInCode_areKeyedByTheirPosition_andTheLogChannelIsAddedWhenNotConfigured() throws Exception {
    try (DatagramSocket syslog = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      Path audit = dir.resolve("audit.jsonl");
      try (JsonLinesAuditSink sink = JsonLinesAuditSink.open(audit)) {
        BreakGlass engine = builder().auditSink(sink)
            .property("alert.channels", "sys")
            .property("alert.channel.sys.provider", "syslog")
            .property("alert.channel.sys.host", "127.0.0.1")
            .property("alert.channel.sys.port", Integer.toString(syslog.getLocalPort()))
            .property("alert.channel.sys.transport", "udp")
            .alertChannel(new Recorder()).alertChannel(new Recorder()).build();
        try {
          engine.declareIncident("sre-lead", "outage");
          assertThat(awaitDeliveredChannels(audit, 4))
              .containsExactlyInAnyOrder("sys", "slf4j", "code-0-recorder", "code-1-recorder");
        } finally {
          engine.close();
        }
      }
    }
  }

  /** Waits until the audit log records deliveries of the incident alert on {@code n} channels. */
  private static Set<String> awaitDeliveredChannels(Path audit, int n) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (true) {
      List<AuditEvent> events = JsonLinesAuditSink.read(audit).stream().map(d -> d.event()).collect(Collectors.toList());
      Set<String> channels = events.stream().filter(e -> e.type() == AuditEventType.ALERT_DELIVERED)
          .filter(e -> "INCIDENT_DECLARED".equals(e.details().get("alertType")))
          .map(e -> e.details().get("channel")).collect(Collectors.toSet());
      if (channels.size() >= n || System.nanoTime() > deadline) {
        return channels;
      }
      Thread.sleep(20);
    }
  }
}
