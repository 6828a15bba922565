package dev.breakglass.postgresql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakglass.AccessRequest;
import dev.breakglass.AccountPolicy;
import dev.breakglass.Approval;
import dev.breakglass.BreakGlass;
import dev.breakglass.BreakGlassPolicy;
import dev.breakglass.CredentialCheck;
import dev.breakglass.DrillResult;
import dev.breakglass.EmergencyAccessGrant;
import dev.breakglass.core.BreakGlassEngine;
import dev.breakglass.core.alert.channel.Slf4jAlertChannel;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A drill end to end on a real PostgreSQL role: proven at the target, rotated, proven again. */
class PostgresDrillTest {
  private static final String ACCOUNT = "db-emergency";

  @TempDir Path dir;

  @Test
  void drillProvesTheRoleAtPostgresThenRotatesIt() {
    EmbeddedPostgresServer server = EmbeddedPostgresServer.shared();
    char[] initial = EmbeddedPostgresServer.randomPassword();
    String role = server.createRole("drill", initial);
    RecordingVault vault = new RecordingVault(ACCOUNT, initial);
    BreakGlassPolicy policy = BreakGlassPolicy.builder()
        .account(AccountPolicy.builder(ACCOUNT).requesters("alice").custodians("carol").approvals(1)
            .drillEvery(Duration.ofDays(90)).build())
        .build();

    try (BreakGlass breakGlass = BreakGlassEngine.builder().policy(policy).dataDirectory(dir).vault(vault)
        .rotator(server.rotatorBuilder().role(ACCOUNT, role).build()).alertChannel(new Slf4jAlertChannel())
        .fingerprintKey(new byte[32]).background(false).build()) {
      // the real procedure: a drill request, its custodian's approval, then the release, proof and rotation
      EmergencyAccessGrant grant = breakGlass.requestDrill(AccessRequest.builder().requester("alice")
          .account(ACCOUNT).reason("quarterly drill").duration(Duration.ofMinutes(10)).build());
      breakGlass.approve(Approval.of(grant, "carol"));
      DrillResult drill = breakGlass.completeDrill(grant.id(), "alice");

      assertThat(drill.succeeded()).as(drill.detail()).isTrue();
      assertThat(drill.proofBefore().outcome()).isEqualTo(CredentialCheck.Outcome.FRESH);
      assertThat(drill.proofBefore().detail()).contains("authenticates at its target");
      assertThat(drill.rotated()).isTrue();
      assertThat(drill.proofAfter().outcome()).isEqualTo(CredentialCheck.Outcome.FRESH);
      char[] rotated = vault.secret(ACCOUNT);
      assertThat(rotated).isNotEqualTo(initial);
      assertThat(server.canLogin(role, initial)).as("the drilled password no longer works").isFalse();
      assertThat(server.canLogin(role, rotated)).as("the rotated one does").isTrue();
      assertThat(breakGlass.checkCredentials()).singleElement()
          .satisfies(c -> assertThat(c.lastDrill()).isEqualTo(drill.finishedAt()));
    }
  }

  @Test
  void aPasswordChangedBehindTheVaultsBackFailsTheDrillAtTheProof() {
    EmbeddedPostgresServer server = EmbeddedPostgresServer.shared();
    char[] initial = EmbeddedPostgresServer.randomPassword();
    String role = server.createRole("drill-stale", initial);
    server.setPassword(role, EmbeddedPostgresServer.randomPassword());
    RecordingVault vault = new RecordingVault(ACCOUNT, initial);
    BreakGlassPolicy policy = BreakGlassPolicy.builder()
        .account(AccountPolicy.builder(ACCOUNT).requesters("alice").approvals(0).build()).build();

    try (BreakGlass breakGlass = BreakGlassEngine.builder().policy(policy).dataDirectory(dir).vault(vault)
        .rotator(server.rotatorBuilder().role(ACCOUNT, role).build()).alertChannel(new Slf4jAlertChannel())
        .fingerprintKey(new byte[32]).background(false).build()) {
      DrillResult drill = breakGlass.drill(ACCOUNT, "alice");

      assertThat(drill.succeeded()).isFalse();
      assertThat(drill.failedStep()).isEqualTo("prove");
      assertThat(drill.proofBefore().outcome()).isEqualTo(CredentialCheck.Outcome.STALE);
      // the stale credential was released for the drill, so it is rotated like after any release
      char[] rotated = vault.secret(ACCOUNT);
      assertThat(rotated).isNotEqualTo(initial);
      assertThat(server.canLogin(role, rotated)).as("the rotation repaired the role").isTrue();
    }
  }
}
