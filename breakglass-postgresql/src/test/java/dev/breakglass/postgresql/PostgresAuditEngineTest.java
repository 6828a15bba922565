package dev.breakglass.postgresql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakglass.AccessRequest;
import dev.breakglass.AccountPolicy;
import dev.breakglass.Approval;
import dev.breakglass.AuditEventType;
import dev.breakglass.AuditUnavailableException;
import dev.breakglass.BreakGlass;
import dev.breakglass.BreakGlassPolicy;
import dev.breakglass.Credential;
import dev.breakglass.EmergencyAccessGrant;
import dev.breakglass.GrantStatus;
import dev.breakglass.ReasonCode;
import dev.breakglass.core.BreakGlassEngine;
import dev.breakglass.core.audit.AuditEventCodec;
import dev.breakglass.core.audit.AuditLogVerifier;
import dev.breakglass.core.audit.AuditSigningKey;
import dev.breakglass.spi.HealthProbe;
import dev.breakglass.spi.ProbeResult;
import dev.breakglass.tck.fixtures.InMemoryCredentialVault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Engines configured with {@code audit=postgresql} (the provider path, password from a file) on a
 * real database: two instances writing one verifiable trail, and the database stopped under a
 * running engine.
 */
class PostgresAuditEngineTest {
  private static final List<String> ACCOUNTS = List.of("db-1", "db-2", "db-3", "db-4");
  private static final BreakGlassPolicy POLICY = policy();

  private static BreakGlassPolicy policy() {
    var b = BreakGlassPolicy.builder();
    for (String account : ACCOUNTS) {
      b.account(AccountPolicy.builder(account).requesters("alice", "bob").custodians("carol").approvals(1).build());
    }
    return b.build();
  }

  @TempDir Path dir;
  Path keyFile;

  @BeforeEach
  void signingKey() throws Exception {
    AuditSigningKey key = AuditSigningKey.generate();
    keyFile = dir.resolve("audit-signing.key");
    key.writeNew(keyFile);
  }

  BreakGlass engine(TestDatabase db, String instance) {
    HealthProbe down = new HealthProbe() {
      @Override
      public String name() {
        return "idp";
      }

      @Override
      public ProbeResult check() {
        return ProbeResult.unhealthy("identity provider down", Duration.ZERO);
      }
    };
    BreakGlass engine = BreakGlassEngine.builder().policy(POLICY).dataDirectory(dir.resolve(instance))
        .vault(InMemoryCredentialVault.of(ACCOUNTS.stream()
            .collect(Collectors.toMap(a -> a, a -> ("s3cret-" + a).toCharArray())))).healthProbe(down).fallThreshold(1)
        .fingerprintKey(new byte[32]).background(false)
        .property("audit", "postgresql")
        .property("audit.postgresql.url", db.url)
        .property("audit.postgresql.user", db.user)
        .property("audit.postgresql.password-file", db.passwordFile.toString())
        .property("audit.postgresql.signing-key-file", keyFile.toString())
        .property("audit.postgresql.instance-id", instance)
        .property("audit.postgresql.socket-timeout", "5s")
        .property("audit.postgresql.connect-timeout", "2s")
        .build();
    engine.checkHealthNow();
    return engine;
  }

  static EmergencyAccessGrant request(BreakGlass engine, String requester, String account) {
    return engine.requestAccess(AccessRequest.builder().requester(requester).account(account)
        .reason("primary IdP outage").duration(Duration.ofMinutes(10)).build());
  }

  @Test
  void twoEnginesInOneJvmOnOneDatabaseWriteOneVerifiableTrail() {
    TestDatabase db = TestDatabase.create(EmbeddedPostgresServer.shared(), "engines");
    try (BreakGlass a = engine(db, "pod-a"); BreakGlass b = engine(db, "pod-b")) {
      List<BreakGlass> engines = List.of(a, b, a, b);
      for (int i = 0; i < engines.size(); i++) {
        BreakGlass engine = engines.get(i);
        EmergencyAccessGrant g = request(engine, "alice", ACCOUNTS.get(i));
        engine.approve(Approval.of(g, "carol"));
        try (Credential c = g.releaseCredential()) {
          assertThat(new String(c.secret())).isEqualTo("s3cret-" + ACCOUNTS.get(i));
        }
        engine.close(g.id(), "alice");
      }
    }
    Path out = dir.resolve("export");
    PostgresAuditLog.export(db.dataSource(), out);

    AuditLogVerifier.VerificationResult r = AuditLogVerifier.builder(AuditSigningKey.load(keyFile).publicKey())
        .requireSealed(true).build().verify(out);
    assertThat(r.valid()).as(String.valueOf(r.problem())).isTrue();
    List<AuditEventCodec.Decoded> trail = PostgresAuditLog.readAll(db.dataSource());
    assertThat(r.records()).isEqualTo(trail.size());
    Map<String, Long> releasesByInstance = trail.stream()
        .filter(d -> d.event().type() == AuditEventType.CREDENTIAL_RELEASED)
        .collect(Collectors.groupingBy(AuditEventCodec.Decoded::instance, Collectors.counting()));
    assertThat(releasesByInstance).isEqualTo(Map.of("pod-a", 2L, "pod-b", 2L));
  }

  @Test
  void databaseStoppedMidRunFailsClosedAndNothingIsGranted() {
    EmbeddedPostgresServer server = EmbeddedPostgresServer.start();
    try {
      TestDatabase db = TestDatabase.create(server, "outage");
      try (BreakGlass engine = engine(db, "pod-a")) {
        EmergencyAccessGrant before = request(engine, "alice", "db-1");
        engine.approve(Approval.of(before, "carol"));
        before.releaseCredential().close();
        EmergencyAccessGrant pending = request(engine, "bob", "db-2");
        long recorded = PostgresAuditLog.readAll(db.dataSource()).size();

        server.stop();

        assertThatThrownBy(() -> engine.approve(Approval.of(pending, "carol")))
            .isInstanceOfSatisfying(AuditUnavailableException.class,
                e -> assertThat(e.code()).isEqualTo(ReasonCode.AUDIT_UNAVAILABLE));
        assertThat(engine.grant(pending.id()).orElseThrow().status()).isNotEqualTo(GrantStatus.ACTIVE);
        assertThatThrownBy(pending::releaseCredential).isInstanceOf(dev.breakglass.BreakGlassException.class);
        assertThat(pending.credentialReleased()).isFalse();
        assertThatThrownBy(() -> request(engine, "alice", "db-3"))
            .isInstanceOfSatisfying(AuditUnavailableException.class,
                e -> assertThat(e.code()).isEqualTo(ReasonCode.AUDIT_UNAVAILABLE));
        assertThat(engine.openGrants()).noneMatch(g -> g.id().equals(pending.id()) && g.status() == GrantStatus.ACTIVE);
        assertThat(recorded).as("the records before the outage were committed").isGreaterThan(0);
      }
    } finally {
      server.close();
    }
  }
}
