package dev.breakglass.core.internal;

import static dev.breakglass.core.internal.EngineFixture.CANARY;
import static dev.breakglass.core.internal.EngineFixture.DB;
import static org.assertj.core.api.Assertions.assertThat;

import dev.breakglass.AuthenticatedPrincipal;
import dev.breakglass.AuthenticationFailedException;
import dev.breakglass.Authenticator;
import dev.breakglass.Credential;
import dev.breakglass.EmergencyAccessGrant;
import dev.breakglass.LoginAttempt;
import dev.breakglass.core.audit.Fingerprinter;
import dev.breakglass.spi.Alert;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Invariant 2: a canary secret driven through the whole procedure, failures included, appears in no
 * exception message, no {@code toString()}, no audit record, no alert and no log line.
 */
class SecretCanaryTest {
  @TempDir Path dir;

  @Test
  void canaryNeverLeaks() throws Exception {
    List<String> seen = new ArrayList<>();
    List<Alert> alerts;
    try (EngineFixture f = new EngineFixture(dir)) {
      Authenticator guard = f.engine.guard(a -> {
        throw new AuthenticationFailedException("rejected by primary");
      });
      // Outside an emergency: a loud refusal.
      seen.add(message(() -> guard.authenticate(LoginAttempt.of(DB, CANARY.toCharArray(), "198.51.100.7"))));

      EmergencyAccessGrant grant = f.activeDbGrant();
      seen.add(grant.toString());
      Credential credential = grant.releaseCredential();
      seen.add(credential.toString());
      seen.add(message(grant::releaseCredential));

      LoginAttempt good = LoginAttempt.of(DB, credential.secret().clone());
      seen.add(good.toString());
      AuthenticatedPrincipal p = guard.authenticate(good);
      seen.add(p.toString());
      // A login with the canary as a near miss and as an exact value in the wrong place.
      seen.add(message(() -> guard.authenticate(LoginAttempt.of(DB, (CANARY + "x").toCharArray()))));
      credential.close();

      f.rotator.failNext(1);
      grant.close("alice");
      f.engine.sweep();
      seen.add(message(() -> f.engine.requestAccess(f.dbRequest("bob").build())));
      f.clock.advance(java.time.Duration.ofMinutes(1));
      f.engine.sweep();
      f.alerts.await(dev.breakglass.AuditEventType.CREDENTIAL_ROTATED);
      alerts = f.alerts.received();
    }
    String audit = Files.readString(dir.resolve("audit.jsonl"), StandardCharsets.UTF_8);
    assertThat(audit).contains("CREDENTIAL_RELEASED", "EMERGENCY_LOGIN", "USE_OUTSIDE_EMERGENCY", "ROTATION_FAILED");
    assertThat(audit).doesNotContain(CANARY).doesNotContain("198.51.100.7");
    // The released credential is named by its keyed fingerprint, never by its value; a wrong guess
    // at login leaves no trace of its value either.
    Fingerprinter fixtureKey = new Fingerprinter(new byte[32]);
    assertThat(audit).contains(fixtureKey.credentialFingerprint(CANARY.toCharArray()),
            fixtureKey.fingerprint("198.51.100.7"))
        .doesNotContain(fixtureKey.credentialFingerprint((CANARY + "x").toCharArray()));
    for (Alert a : alerts) {
      assertThat(a.toString()).doesNotContain(CANARY);
    }
    assertThat(seen).isNotEmpty().allSatisfy(s -> assertThat(s).doesNotContain(CANARY));
    Path log = Path.of("target/test.log");
    assertThat(log).exists();
    assertThat(Files.readString(log, StandardCharsets.UTF_8)).contains("USE_OUTSIDE_EMERGENCY").doesNotContain(CANARY);
  }

  private static String message(Runnable r) {
    try {
      r.run();
    } catch (RuntimeException e) {
      StringBuilder sb = new StringBuilder();
      for (Throwable t = e; t != null; t = t.getCause()) {
        sb.append(t).append('\n');
      }
      return sb.toString();
    }
    throw new AssertionError("expected a refusal");
  }
}
