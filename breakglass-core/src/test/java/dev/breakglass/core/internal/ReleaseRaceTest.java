package dev.breakglass.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakglass.AccessDeniedException;
import dev.breakglass.AuditEventType;
import dev.breakglass.Credential;
import dev.breakglass.EmergencyAccessGrant;
import dev.breakglass.ReasonCode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.io.TempDir;

/** The single-use release under contention: exactly one of many racing callers gets the credential. */
class ReleaseRaceTest {
  private static final int THREADS = 64;

  @TempDir Path dir;

  @RepeatedTest(5)
  void sixtyFourThreadsRacingForOneReleaseHaveExactlyOneWinner() throws Exception {
    try (EngineFixture f = new EngineFixture(dir.resolve("run-" + System.nanoTime()))) {
      EmergencyAccessGrant grant = f.activeDbGrant();
      CyclicBarrier barrier = new CyclicBarrier(THREADS);
      ConcurrentLinkedQueue<Credential> winners = new ConcurrentLinkedQueue<>();
      ConcurrentLinkedQueue<ReasonCode> losers = new ConcurrentLinkedQueue<>();
      ExecutorService pool = Executors.newFixedThreadPool(THREADS);
      try {
        List<Future<?>> futures = new ArrayList<>();
        for (int i = 0; i < THREADS; i++) {
          EmergencyAccessGrant view = f.engine.grant(grant.id()).orElseThrow();
          futures.add(pool.submit(() -> {
            barrier.await();
            try {
              winners.add(view.releaseCredential());
            } catch (AccessDeniedException e) {
              losers.add(e.code());
            }
            return null;
          }));
        }
        for (Future<?> fu : futures) {
          fu.get(60, TimeUnit.SECONDS);
        }
      } finally {
        pool.shutdownNow();
      }
      assertThat(winners).hasSize(1);
      assertThat(losers).hasSize(THREADS - 1).containsOnly(ReasonCode.ALREADY_RELEASED);
      assertThat(new String(winners.peek().secret())).isEqualTo(EngineFixture.CANARY);
      assertThat(grant.credentialReleased()).isTrue();
      assertThat(f.count(AuditEventType.CREDENTIAL_RELEASED)).isEqualTo(1);
      assertThat(f.count(AuditEventType.CREDENTIAL_RELEASE_REFUSED)).isEqualTo(THREADS - 1);
      winners.forEach(Credential::close);
    }
  }
}
