package dev.breakglass.postgresql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakglass.AccessRequest;
import dev.breakglass.AccountPolicy;
import dev.breakglass.AuditEventType;
import dev.breakglass.BreakGlass;
import dev.breakglass.BreakGlassException;
import dev.breakglass.BreakGlassPolicy;
import dev.breakglass.EmergencyAccessGrant;
import dev.breakglass.ReasonCode;
import dev.breakglass.core.BreakGlassEngine;
import dev.breakglass.core.audit.AuditEventCodec;
import dev.breakglass.core.audit.AuditLogVerifier;
import dev.breakglass.core.audit.AuditSigningKey;
import dev.breakglass.tck.fixtures.InMemoryCredentialVault;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shared database (engine state and audit trail) stopped and started again while 8 threads keep
 * requesting access: requests during the outage are refused with STATE_UNAVAILABLE (or
 * AUDIT_UNAVAILABLE) and nothing else, every acknowledged request is in the store and in the trail
 * afterwards, the engine serves again by itself once the server is back, and the trail verifies.
 */
class DatabaseRestartUnderLoadTest {
  private static final int THREADS = 8;
  private static final int ACCOUNTS_PER_THREAD = 80;

  @TempDir Path dir;

  @Test
  void requestsDuringAnOutageAreRefusedAndEverythingAcknowledgedSurvives() throws Exception {
    Path data = dir.resolve("pgdata");
    EmbeddedPostgres first = EmbeddedPostgres.builder().setDataDirectory(data).setCleanDataDirectory(false).start();
    int port = first.getPort();
    String url = "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
    Path password = Files.createFile(dir.resolve("db.secret"),
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(password, "trusted\n");
    Path keyFile = dir.resolve("audit-signing.key");
    AuditSigningKey key = AuditSigningKey.generate();
    key.writeNew(keyFile);

    BreakGlassPolicy.Builder policy = BreakGlassPolicy.builder()
        .rateLimit(new BreakGlassPolicy.RateLimit(Integer.MAX_VALUE, Duration.ofSeconds(1), Duration.ofSeconds(1)));
    Map<String, char[]> secrets = new HashMap<>();
    for (int t = 0; t < THREADS; t++) {
      for (int a = 0; a < ACCOUNTS_PER_THREAD; a++) {
        String account = "acct-" + t + "-" + a;
        policy.account(AccountPolicy.builder(account).requesters("alice").custodians("carol").approvals(1)
            .emergencyRequired(false).build());
        secrets.put(account, "s".toCharArray());
      }
    }
    Map<String, String> pg = Map.of("url", url, "user", "postgres", "password-file", password.toString(),
        "connect-timeout", "2s", "socket-timeout", "5s");
    BreakGlassEngine.Builder b = BreakGlassEngine.builder().policy(policy.build()).dataDirectory(dir.resolve("node"))
        .vault(InMemoryCredentialVault.of(secrets)).fingerprintKey(new byte[32]).background(false)
        .property("grant-store", "postgresql").property("audit", "postgresql")
        .property("audit.postgresql.signing-key-file", keyFile.toString())
        .property("audit.postgresql.instance-id", "pod-a");
    pg.forEach((k, v) -> {
      b.property("grant-store.postgresql." + k, v);
      b.property("audit.postgresql." + k, v);
    });

    Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    ConcurrentLinkedQueue<ReasonCode> refusals = new ConcurrentLinkedQueue<>();
    ConcurrentLinkedQueue<Throwable> unexpected = new ConcurrentLinkedQueue<>();
    AtomicInteger acksAfterRestart = new AtomicInteger();
    AtomicBoolean restarted = new AtomicBoolean();
    AtomicBoolean stop = new AtomicBoolean();
    EmbeddedPostgres second = null;
    try (BreakGlass engine = b.build()) {
      List<Thread> load = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        int thread = t;
        Thread w = new Thread(() -> {
          for (int a = 0; a < ACCOUNTS_PER_THREAD && !stop.get(); ) {
            try {
              EmergencyAccessGrant g = engine.requestAccess(AccessRequest.builder().requester("alice")
                  .account("acct-" + thread + "-" + a).reason("load").duration(Duration.ofMinutes(5)).build());
              acknowledged.add(g.id());
              if (restarted.get()) {
                acksAfterRestart.incrementAndGet();
              }
              a++;
            } catch (BreakGlassException e) {
              refusals.add(e.code());
              if (e.code() == ReasonCode.ACCOUNT_IN_USE) {
                a++; // an outcome-unknown request did reserve it; the next account
              }
              LockSupport.parkNanos(20_000_000L);
            } catch (Throwable e) {
              unexpected.add(e);
              return;
            }
          }
        });
        w.start();
        load.add(w);
      }
      waitUntil(() -> acknowledged.size() >= 20, "requests acknowledged before the outage");
      first.close();
      waitUntil(() -> refusals.size() >= THREADS, "requests refused during the outage");
      second = EmbeddedPostgres.builder().setDataDirectory(data).setCleanDataDirectory(false).setPort(port).start();
      restarted.set(true);
      waitUntil(() -> acksAfterRestart.get() >= 10, "requests acknowledged after the restart");
      stop.set(true);
      for (Thread w : load) {
        w.join();
      }
      assertThat(unexpected).as("nothing but refusals with a reason").isEmpty();
      assertThat(refusals).isNotEmpty().allMatch(c -> c == ReasonCode.AUDIT_UNAVAILABLE
          || c == ReasonCode.STATE_UNAVAILABLE || c == ReasonCode.ACCOUNT_IN_USE);
      // A request reads the state (rate limit, account) before it writes its record: with both in the
      // same database it is mostly the state that is found missing first.
      assertThat(refusals).contains(ReasonCode.STATE_UNAVAILABLE);
      for (String id : acknowledged) {
        assertThat(engine.grant(id)).as("acknowledged request %s", id).isPresent();
      }
    } finally {
      if (second != null) {
        var dataSource = PostgresConnection.builder().url(url).user("postgres")
            .password(() -> "trusted".toCharArray()).build();
        List<AuditEventCodec.Decoded> trail = PostgresAuditLog.readAll(dataSource);
        Set<String> requested = trail.stream().filter(d -> d.event().type() == AuditEventType.ACCESS_REQUESTED)
            .map(d -> d.event().grantId()).collect(Collectors.toSet());
        assertThat(requested).as("every acknowledged request is in the trail").containsAll(acknowledged);
        PostgresAuditLog.export(dataSource, dir.resolve("export"));
        second.close();
      } else {
        first.close();
      }
    }
    AuditLogVerifier.VerificationResult r = AuditLogVerifier.builder(key.publicKey()).build()
        .verify(dir.resolve("export"));
    assertThat(r.valid()).as(String.valueOf(r.problem())).isTrue();
    System.out.printf("database restart under load: %d acknowledged (%d after the restart), %d refused%n",
        acknowledged.size(), acksAfterRestart.get(), refusals.size());
  }

  private static void waitUntil(BooleanSupplier condition, String what) {
    for (int i = 0; i < 600 && !condition.getAsBoolean(); i++) {
      LockSupport.parkNanos(100_000_000L);
    }
    assertThat(condition.getAsBoolean()).as(what).isTrue();
  }
}
