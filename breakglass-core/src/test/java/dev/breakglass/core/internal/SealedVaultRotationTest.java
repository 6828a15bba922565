package dev.breakglass.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakglass.AccessRequest;
import dev.breakglass.AccountPolicy;
import dev.breakglass.Approval;
import dev.breakglass.AuditEventType;
import dev.breakglass.BreakGlassPolicy;
import dev.breakglass.Credential;
import dev.breakglass.EmergencyAccessGrant;
import dev.breakglass.GrantStatus;
import dev.breakglass.core.BreakGlassEngine;
import dev.breakglass.core.audit.JsonLinesAuditSink;
import dev.breakglass.core.rotation.SecretGenerator;
import dev.breakglass.core.rotation.VaultOnlyRotator;
import dev.breakglass.core.vault.Argon2Parameters;
import dev.breakglass.core.vault.SealedFileVault;
import dev.breakglass.tck.fixtures.MutableClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The custodian-sealed vault with the built-in {@code vault} rotator, end to end: rotation after a
 * grant needs no custodian shares (it writes to the vault's public key), and afterwards only the new
 * credential unseals.
 */
class SealedVaultRotationTest {
  static final String ACCOUNT = "prod-db-admin";
  static final String SECRET = "sealed-canary-Q9v2";

  @TempDir Path dir;

  @Test
  void theBuiltInVaultRotatorRotatesASealedVaultWithoutShares() {
    SealedFileVault.Created created = SealedFileVault.create(dir.resolve("sealed.json"),
        "correct horse battery".toCharArray(), Argon2Parameters.recommended(), 2, List.of("carol", "dave", "erin"));
    SealedFileVault vault = created.vault();
    vault.write(ACCOUNT, SECRET.toCharArray());
    BreakGlassPolicy policy = BreakGlassPolicy.builder().account(AccountPolicy.builder(ACCOUNT)
        .requesters("alice").custodians("carol", "dave", "erin").approvals(2).build()).build();
    ScriptedProbe probe = new ScriptedProbe();
    MutableClock clock = new MutableClock(Instant.parse("2026-11-28T10:00:00Z"));
    try (Engine engine = (Engine) BreakGlassEngine.builder().policy(policy).dataDirectory(dir).clock(clock)
        .auditSink(JsonLinesAuditSink.open(dir.resolve("audit.jsonl"))).vault(vault)
        .grantStore(new InMemoryGrantStore()).healthProbe(probe)
        .rotator(VaultOnlyRotator.forAccounts(Set.of(ACCOUNT), SecretGenerator.defaults()))
        .fingerprintKey(new byte[32]).fallThreshold(1).background(false).build()) {
      probe.healthy(false);
      engine.checkHealthNow();
      EmergencyAccessGrant grant = engine.requestAccess(AccessRequest.builder().requester("alice").account(ACCOUNT)
          .reason("outage").duration(Duration.ofMinutes(10)).build());
      engine.approve(Approval.of(grant, "carol").withShare(created.share("carol").encode()));
      engine.approve(Approval.of(grant, "dave").withShare(created.share("dave").encode()));
      grant.releaseCredential().close();
      grant.close("alice");

      engine.sweep();

      assertThat(JsonLinesAuditSink.read(dir.resolve("audit.jsonl")).stream().map(d -> d.event().type()))
          .contains(AuditEventType.CREDENTIAL_ROTATED).doesNotContain(AuditEventType.ROTATION_FAILED);
      EmergencyAccessGrant next = engine.requestAccess(AccessRequest.builder().requester("alice").account(ACCOUNT)
          .reason("outage").duration(Duration.ofMinutes(10)).build());
      assertThat(next.status()).as("the account is clean again").isEqualTo(GrantStatus.PENDING_APPROVAL);
      try (Credential rotated = vault.read(ACCOUNT, Map.of("erin", created.share("erin").encode(),
          "dave", created.share("dave").encode()))) {
        assertThat(rotated.secret()).isNotEmpty();
        assertThat(new String(rotated.secret())).isNotEqualTo(SECRET);
      }
    } finally {
      vault.close();
      created.shares().forEach(s -> s.close());
    }
  }
}
