package dev.breakglass.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakglass.AccessRequest;
import dev.breakglass.AccountPolicy;
import dev.breakglass.Approval;
import dev.breakglass.AuditEventType;
import dev.breakglass.AuthenticatedPrincipal;
import dev.breakglass.AuthenticationFailedException;
import dev.breakglass.BreakGlassPolicy;
import dev.breakglass.Credential;
import dev.breakglass.EmergencyAccessGrant;
import dev.breakglass.LoginAttempt;
import dev.breakglass.VaultException;
import dev.breakglass.core.BreakGlassEngine;
import dev.breakglass.core.audit.JsonLinesAuditSink;
import dev.breakglass.core.vault.Argon2Parameters;
import dev.breakglass.core.vault.SealedFileVault;
import dev.breakglass.tck.fixtures.MutableClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Approval and unsealing are one act: custodians' shares travel with their approvals. */
class SealedVaultEngineTest {
  static final String ACCOUNT = "prod-db-admin";
  static final String SECRET = "sealed-canary-Q9v2";

  @TempDir Path dir;
  SealedFileVault vault;
  SealedFileVault.Created created;
  Engine engine;
  final ScriptedProbe probe = new ScriptedProbe();
  final MutableClock clock = new MutableClock(Instant.parse("2026-11-28T10:00:00Z"));

  @BeforeEach
  void setUp() {
    created = SealedFileVault.create(dir.resolve("sealed.json"), "correct horse battery".toCharArray(),
        Argon2Parameters.recommended(), 2, List.of("carol", "dave", "erin"));
    vault = created.vault();
    vault.write(ACCOUNT, SECRET.toCharArray());
    BreakGlassPolicy policy = BreakGlassPolicy.builder().account(AccountPolicy.builder(ACCOUNT)
        .requesters("alice").custodians("carol", "dave", "erin").approvals(2).build()).build();
    engine = (Engine) BreakGlassEngine.builder().policy(policy).dataDirectory(dir).clock(clock)
        .auditSink(JsonLinesAuditSink.open(dir.resolve("audit.jsonl"))).vault(vault)
        .grantStore(new InMemoryGrantStore()).healthProbe(probe).rotator(new ScriptedRotator())
        .fingerprintKey(new byte[32]).fallThreshold(1).background(false).build();
    probe.healthy(false);
    engine.checkHealthNow();
  }

  @AfterEach
  void tearDown() {
    engine.close();
    vault.close();
    created.shares().forEach(s -> s.close());
  }

  EmergencyAccessGrant request() {
    return engine.requestAccess(AccessRequest.builder().requester("alice").account(ACCOUNT)
        .reason("outage").duration(Duration.ofMinutes(10)).build());
  }

  @Test
  void sharesCarriedByTheApprovalsUnsealTheCredentialOnce() throws Exception {
    EmergencyAccessGrant grant = request();
    char[] carolShare = created.share("carol").encode();
    Approval carol = Approval.of(grant, "carol").withShare(carolShare);
    engine.approve(carol);
    engine.approve(Approval.of(grant, "dave").withShare(created.share("dave").encode()));
    assertThat(carol.hasShare()).as("the engine wipes the share it was handed").isFalse();

    char[] secret;
    try (Credential c = grant.releaseCredential()) {
      assertThat(new String(c.secret())).isEqualTo(SECRET);
      secret = c.secret().clone();
    }
    AuthenticatedPrincipal p = engine.guard(a -> {
      throw new AuthenticationFailedException("down");
    }).authenticate(LoginAttempt.of(ACCOUNT, secret));
    assertThat(p.isEmergencyAccess()).as("the login is checked without unsealing the vault again").isTrue();
    String audit = Files.readString(dir.resolve("audit.jsonl"));
    assertThat(audit).contains("\"share\":\"attached\"").doesNotContain(new String(carolShare));
  }

  @Test
  void approvalsWithoutSharesCannotUnsealAndNothingIsReleased() {
    EmergencyAccessGrant grant = request();
    engine.approve(Approval.of(grant, "carol"));
    engine.approve(Approval.of(grant, "dave").withShare(created.share("dave").encode()));
    assertThatThrownBy(grant::releaseCredential).isInstanceOf(VaultException.class)
        .message().doesNotContain(SECRET);
    assertThat(grant.credentialReleased()).isFalse();
  }

  @Test
  void shareFromAnotherVaultIsRefused() {
    SealedFileVault.Created other = SealedFileVault.create(dir.resolve("other.json"), "another passphrase".toCharArray(),
        Argon2Parameters.recommended(), 2, List.of("carol", "dave", "erin"));
    try {
      EmergencyAccessGrant grant = request();
      engine.approve(Approval.of(grant, "carol").withShare(other.share("carol").encode()));
      engine.approve(Approval.of(grant, "dave").withShare(created.share("dave").encode()));
      assertThatThrownBy(grant::releaseCredential).isInstanceOf(VaultException.class);
      assertThat(grant.credentialReleased()).isFalse();
    } finally {
      other.vault().close();
      other.shares().forEach(s -> s.close());
    }
  }

  @Test
  void rotationAfterTheGrantNeedsNoShares() {
    EmergencyAccessGrant grant = request();
    engine.approve(Approval.of(grant, "carol").withShare(created.share("carol").encode()));
    engine.approve(Approval.of(grant, "dave").withShare(created.share("dave").encode()));
    grant.releaseCredential().close();
    grant.close("alice");
    engine.sweep();
    EmergencyAccessGrant next = request();
    assertThat(next.status()).isEqualTo(dev.breakglass.GrantStatus.PENDING_APPROVAL);
    assertThat(JsonLinesAuditSink.read(dir.resolve("audit.jsonl")).stream()
        .anyMatch(d -> d.event().type() == AuditEventType.CREDENTIAL_ROTATED)).isTrue();
  }
}
