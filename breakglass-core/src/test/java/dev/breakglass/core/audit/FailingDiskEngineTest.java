package dev.breakglass.core.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakglass.AccessRequest;
import dev.breakglass.AccountPolicy;
import dev.breakglass.AuditEventType;
import dev.breakglass.AuditUnavailableException;
import dev.breakglass.BreakGlass;
import dev.breakglass.BreakGlassPolicy;
import dev.breakglass.EmergencyAccessGrant;
import dev.breakglass.GrantStatus;
import dev.breakglass.core.BreakGlassEngine;
import dev.breakglass.core.vault.Argon2Parameters;
import dev.breakglass.core.vault.EncryptedFileVault;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A disk that fails below the tamper-evident log (write or fsync errors injected into its file
 * channels) stops the engine: no grant is issued and no credential released without its record.
 */
class FailingDiskEngineTest {
  static final AuditSigningKey KEY = AuditSigningKey.generate();

  @TempDir Path dir;
  final AtomicBoolean failWrites = new AtomicBoolean();
  final AtomicBoolean failForce = new AtomicBoolean();
  TamperEvidentAuditLog log;
  EncryptedFileVault vault;
  BreakGlass breakGlass;

  @BeforeEach
  void setUp() {
    log = TamperEvidentAuditLog.builder(dir.resolve("audit")).signingKey(KEY).backgroundCheckpoints(false)
        .channelFactory((file, options) -> new FailingChannel(FileChannel.open(file, options), failWrites, failForce))
        .build();
    vault = EncryptedFileVault.create(dir.resolve("vault.json"), "a vault passphrase".toCharArray(),
        Argon2Parameters.recommended());
    vault.write("app-admin", "app-admin-secret".toCharArray());
    BreakGlassPolicy policy = BreakGlassPolicy.builder()
        .account(AccountPolicy.builder("app-admin").requesters("alice").build())
        .incidentDeclarers("sre-lead").build();
    breakGlass = BreakGlassEngine.builder().policy(policy).dataDirectory(dir).auditSink(log).vault(vault)
        .background(false).build();
    breakGlass.declareIncident("sre-lead", "IdP outage");
  }

  @AfterEach
  void tearDown() {
    breakGlass.close();
    vault.close();
    failWrites.set(false);
    failForce.set(false);
    log.close();
  }

  AccessRequest request() {
    return AccessRequest.builder().requester("alice").account("app-admin").reason("outage")
        .duration(Duration.ofMinutes(5)).build();
  }

  @Test
  void fsyncErrorMeansNoGrant() {
    failForce.set(true);
    assertThatThrownBy(() -> breakGlass.requestAccess(request())).isInstanceOf(AuditUnavailableException.class);
    assertThat(breakGlass.openGrants()).isEmpty();
    failForce.set(false);
    assertThatThrownBy(() -> breakGlass.requestAccess(request()))
        .as("after a failed fsync the log refuses everything until it is reopened")
        .isInstanceOf(AuditUnavailableException.class);
    assertThat(breakGlass.openGrants()).isEmpty();
  }

  @Test
  void writeErrorMeansTheCredentialStaysInTheVault() {
    EmergencyAccessGrant grant = breakGlass.requestAccess(request());
    assertThat(grant.status()).isEqualTo(GrantStatus.ACTIVE);
    failWrites.set(true);
    assertThatThrownBy(grant::releaseCredential).isInstanceOf(AuditUnavailableException.class);
    assertThat(grant.credentialReleased()).isFalse();
  }

  @Test
  void everythingGrantedBeforeTheFailureIsInTheLog() {
    EmergencyAccessGrant grant = breakGlass.requestAccess(request());
    failWrites.set(true);
    assertThatThrownBy(grant::releaseCredential).isInstanceOf(AuditUnavailableException.class);
    failWrites.set(false);
    breakGlass.close();
    log.close();
    List<AuditEventType> types = AuditLogReader.readEvents(dir.resolve("audit")).stream()
        .map(e -> e.type()).toList();
    assertThat(types).contains(AuditEventType.INCIDENT_DECLARED, AuditEventType.ACCESS_REQUESTED,
        AuditEventType.GRANT_ISSUED).doesNotContain(AuditEventType.CREDENTIAL_RELEASED);
  }
}
