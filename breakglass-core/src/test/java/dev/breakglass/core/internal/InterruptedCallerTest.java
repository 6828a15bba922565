package dev.breakglass.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakglass.AccessRequest;
import dev.breakglass.AccountPolicy;
import dev.breakglass.BreakGlass;
import dev.breakglass.BreakGlassPolicy;
import dev.breakglass.EmergencyAccessGrant;
import dev.breakglass.GrantStatus;
import dev.breakglass.core.BreakGlassEngine;
import dev.breakglass.tck.fixtures.InMemoryCredentialVault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A host thread that calls the engine with its interrupt flag set (a cancelled request, a web
 * container's timeout) must not break the engine for everyone else: a file channel written by an
 * interrupted thread is closed by the JDK, so the engine's shared files are never written from a
 * caller's thread unprotected.
 */
class InterruptedCallerTest {
  private static final BreakGlassPolicy POLICY = BreakGlassPolicy.builder()
      .account(AccountPolicy.builder("db-1").requesters("alice").approvals(0).emergencyRequired(false).build())
      .account(AccountPolicy.builder("db-2").requesters("alice").approvals(0).emergencyRequired(false).build())
      .build();

  @TempDir Path dir;

  BreakGlass engine() {
    return BreakGlassEngine.builder().policy(POLICY).dataDirectory(dir)
        .vault(InMemoryCredentialVault.of(Map.of("db-1", "one".toCharArray(), "db-2", "two".toCharArray())))
        .fingerprintKey(new byte[32]).background(false).build();
  }

  static EmergencyAccessGrant request(BreakGlass engine, String account) {
    return engine.requestAccess(AccessRequest.builder().requester("alice").account(account)
        .reason("primary IdP outage").duration(Duration.ofMinutes(10)).build());
  }

  @Test
  void aRequestFromAnInterruptedThreadLeavesTheEngineWorkingForTheNextCaller() {
    EmergencyAccessGrant first;
    EmergencyAccessGrant second;
    try (BreakGlass engine = engine()) {
      Thread.currentThread().interrupt();
      try {
        first = request(engine, "db-1");
      } finally {
        assertThat(Thread.interrupted()).as("the caller's interrupt is kept for it").isTrue();
      }
      assertThat(first.status()).isEqualTo(GrantStatus.ACTIVE);
      second = request(engine, "db-2");
      assertThat(second.status()).isEqualTo(GrantStatus.ACTIVE);
      Thread.currentThread().interrupt();
      try {
        engine.close(first.id(), "alice");
      } finally {
        assertThat(Thread.interrupted()).isTrue();
      }
      engine.close(second.id(), "alice");
    }
    try (BreakGlass reopened = engine()) {
      assertThat(reopened.openGrants()).as("every change above reached the files").isEmpty();
      assertThat(reopened.grant(first.id())).get().extracting(EmergencyAccessGrant::status)
          .isEqualTo(GrantStatus.CLOSED);
      assertThat(reopened.grant(second.id())).get().extracting(EmergencyAccessGrant::status)
          .isEqualTo(GrantStatus.CLOSED);
    }
  }
}
