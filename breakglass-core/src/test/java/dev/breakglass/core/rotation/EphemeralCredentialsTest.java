package dev.breakglass.core.rotation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakglass.BreakGlassException;
import dev.breakglass.Credential;
import dev.breakglass.ReasonCode;
import dev.breakglass.core.vault.Argon2Parameters;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class EphemeralCredentialsTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  private final ManualClock clock = new ManualClock(T0);
  private final EphemeralCredentials ephemeral = new EphemeralCredentials(clock);

  @AfterEach
  void close() {
    ephemeral.close();
  }

  private Credential mint(String account, String grantId) {
    return ephemeral.mint(account, grantId, T0.plus(Duration.ofHours(1)));
  }

  @Test
  void mintedSecret_verifies() {
    try (Credential credential = mint("local-admin", "g1")) {
      assertThat(ephemeral.verify("local-admin", credential.secret())).isTrue();
    }
  }

  @Test
  void mintedSecret_isFreshStrongAndDifferentEachTime() {
    char[] first;
    try (Credential credential = mint("a", "g1")) {
      first = credential.secret().clone();
    }
    ephemeral.forget("g1");
    try (Credential credential = mint("a", "g2")) {
      assertThat(new String(credential.secret())).matches("[A-Za-z0-9]{32}").isNotEqualTo(new String(first));
    }
  }

  @Test
  void wrongSecret_fails() {
    try (Credential credential = mint("local-admin", "g1")) {
      char[] wrong = credential.secret().clone();
      wrong[0] = wrong[0] == 'A' ? 'B' : 'A';
      assertThat(ephemeral.verify("local-admin", wrong)).isFalse();
      assertThat(ephemeral.verify("local-admin", new char[0])).isFalse();
    }
  }

  @Test
  void secretOfAnotherAccount_fails() {
    try (Credential a = mint("a", "g1"); Credential b = mint("b", "g2")) {
      assertThat(ephemeral.verify("b", a.secret())).isFalse();
      assertThat(ephemeral.verify("a", b.secret())).isFalse();
      assertThat(ephemeral.verify("unknown", a.secret())).isFalse();
    }
  }

  @Test
  void afterExpiry_fails() {
    try (Credential credential = mint("local-admin", "g1")) {
      clock.set(T0.plus(Duration.ofHours(1)).minusNanos(1));
      assertThat(ephemeral.verify("local-admin", credential.secret())).isTrue();

      clock.set(T0.plus(Duration.ofHours(1)));

      assertThat(ephemeral.verify("local-admin", credential.secret())).isFalse();
      assertThat(ephemeral.holds("local-admin")).isFalse();
    }
  }

  @Test
  void afterForget_fails_andOnlyThatGrantIsForgotten() {
    try (Credential a = mint("a", "g1"); Credential b = mint("b", "g2")) {
      assertThat(ephemeral.forget("g1")).isTrue();

      assertThat(ephemeral.verify("a", a.secret())).isFalse();
      assertThat(ephemeral.verify("b", b.secret())).isTrue();
      assertThat(ephemeral.forget("g1")).isFalse();
    }
  }

  @Test
  void forget_wipesTheVerifier() {
    mint("a", "g1").close();
    byte[] verifier = ephemeral.verifierBytes("a");
    assertThat(verifier).isNotNull().hasSize(32);
    assertThat(verifier).isNotEqualTo(new byte[32]);

    ephemeral.forget("g1");

    assertThat(verifier).containsOnly((byte) 0);
    assertThat(ephemeral.verifierBytes("a")).isNull();
  }

  @Test
  void purgeExpired_wipesExpiredVerifiersOnly() {
    ephemeral.mint("a", "g1", T0.plusSeconds(60)).close();
    try (Credential longLived = ephemeral.mint("b", "g2", T0.plusSeconds(600))) {
      byte[] expiring = ephemeral.verifierBytes("a");
      clock.set(T0.plusSeconds(61));

      assertThat(ephemeral.purgeExpired()).isEqualTo(1);

      assertThat(expiring).containsOnly((byte) 0);
      assertThat(ephemeral.holds("a")).isFalse();
      assertThat(ephemeral.verify("b", longLived.secret())).isTrue();
    }
  }

  @Test
  void close_wipesEverything() {
    try (Credential credential = mint("a", "g1")) {
      byte[] verifier = ephemeral.verifierBytes("a");

      ephemeral.close();

      assertThat(verifier).containsOnly((byte) 0);
      assertThat(ephemeral.verify("a", credential.secret())).isFalse();
    }
  }

  @Test
  void mintedCredential_isOwnedByTheCaller_andClosingItWipesTheSecret() {
    Credential credential = mint("a", "g1");
    char[] secret = credential.secret();

    credential.close();

    assertThat(secret).containsOnly('\0');
    assertThat(credential.toString()).doesNotContain(new String(secret)).contains("<redacted>");
  }

  @Test
  void verify_leavesThePresentedSecretIntact() {
    try (Credential credential = mint("a", "g1")) {
      char[] presented = credential.secret().clone();

      ephemeral.verify("a", presented);

      assertThat(presented).isEqualTo(credential.secret());
    }
  }

  @Test
  void mint_whileAccountHoldsALiveCredential_isRefused() {
    try (Credential credential = mint("a", "g1")) {
      assertThatThrownBy(() -> mint("a", "g2"))
          .isInstanceOf(BreakGlassException.class)
          .hasMessageContaining("'a'").hasMessageContaining("'g1'")
          .extracting(e -> ((BreakGlassException) e).code()).isEqualTo(ReasonCode.ACCOUNT_IN_USE);
      assertThat(ephemeral.verify("a", credential.secret())).isTrue();
      assertThat(ephemeral.holder("a")).contains("g1");
    }
  }

  @Test
  void mint_afterThePreviousGrantExpired_replacesIt() {
    try (Credential old = ephemeral.mint("a", "g1", T0.plusSeconds(10))) {
      clock.set(T0.plusSeconds(10));
      try (Credential fresh = ephemeral.mint("a", "g2", T0.plusSeconds(100))) {
        assertThat(ephemeral.verify("a", fresh.secret())).isTrue();
        assertThat(ephemeral.verify("a", old.secret())).isFalse();
        assertThat(ephemeral.holder("a")).contains("g2");
      }
    }
  }

  @Test
  void mint_withExpiryNotInTheFuture_isRejected() {
    assertThatThrownBy(() -> ephemeral.mint("a", "g1", T0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'g1'").hasMessageContaining("not after");
    assertThat(ephemeral.holds("a")).isFalse();
  }

  @Test
  void mint_blankNames_areRejected() {
    assertThatThrownBy(() -> mint(" ", "g1")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("account");
    assertThatThrownBy(() -> mint("a", "")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("grantId");
  }

  @Test
  void verify_forgottenWhileHashing_fails() throws Exception {
    BlockingClock blocking = new BlockingClock(T0);
    try (EphemeralCredentials creds = new EphemeralCredentials(blocking);
        Credential credential = creds.mint("a", "g1", T0.plusSeconds(60))) {
      ExecutorService executor = Executors.newSingleThreadExecutor();
      try {
        // The second clock read in verify() happens after the Argon2id hash, before the answer.
        blocking.blockOnCall(2);
        Future<Boolean> verdict = executor.submit(() -> creds.verify("a", credential.secret()));
        assertThat(blocking.reached.await(30, TimeUnit.SECONDS)).isTrue();

        creds.forget("g1");
        blocking.release.countDown();

        assertThat(verdict.get(30, TimeUnit.SECONDS)).isFalse();
      } finally {
        executor.shutdownNow();
      }
    }
  }

  @Test
  void verify_notForgottenWhileHashing_succeeds() throws Exception {
    BlockingClock blocking = new BlockingClock(T0);
    try (EphemeralCredentials creds = new EphemeralCredentials(blocking);
        Credential credential = creds.mint("a", "g1", T0.plusSeconds(60))) {
      ExecutorService executor = Executors.newSingleThreadExecutor();
      try {
        blocking.blockOnCall(2);
        Future<Boolean> verdict = executor.submit(() -> creds.verify("a", credential.secret()));
        assertThat(blocking.reached.await(30, TimeUnit.SECONDS)).isTrue();

        blocking.release.countDown();

        assertThat(verdict.get(30, TimeUnit.SECONDS)).isTrue();
      } finally {
        executor.shutdownNow();
      }
    }
  }

  @Test
  void concurrentMintsForOneAccount_exactlyOneWins() throws Exception {
    int threads = 4;
    CyclicBarrier start = new CyclicBarrier(threads);
    AtomicInteger inUse = new AtomicInteger();
    ExecutorService executor = Executors.newFixedThreadPool(threads);
    List<Future<Credential>> results = new ArrayList<>();
    try {
      for (int i = 0; i < threads; i++) {
        String grant = "g" + i;
        results.add(executor.submit(() -> {
          start.await();
          try {
            return mint("shared", grant);
          } catch (BreakGlassException e) {
            assertThat(e.code()).isEqualTo(ReasonCode.ACCOUNT_IN_USE);
            inUse.incrementAndGet();
            return null;
          }
        }));
      }
      List<Credential> winners = new ArrayList<>();
      for (Future<Credential> result : results) {
        Credential credential = result.get(60, TimeUnit.SECONDS);
        if (credential != null) {
          winners.add(credential);
        }
      }

      assertThat(winners).hasSize(1);
      assertThat(inUse.get()).isEqualTo(threads - 1);
      assertThat(ephemeral.verify("shared", winners.get(0).secret())).isTrue();
      winners.forEach(Credential::close);
    } finally {
      executor.shutdownNow();
    }
  }

  @Test
  void concurrentVerifications_ofDifferentAccounts_allSucceed() throws Exception {
    int threads = 4;
    List<Credential> credentials = new ArrayList<>();
    for (int i = 0; i < threads; i++) {
      credentials.add(mint("acct" + i, "g" + i));
    }
    CyclicBarrier start = new CyclicBarrier(threads);
    ExecutorService executor = Executors.newFixedThreadPool(threads);
    try {
      List<Future<Boolean>> verdicts = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        int n = i;
        verdicts.add(executor.submit(() -> {
          start.await();
          return ephemeral.verify("acct" + n, credentials.get(n).secret())
              && !ephemeral.verify("acct" + n, credentials.get((n + 1) % threads).secret());
        }));
      }
      for (Future<Boolean> verdict : verdicts) {
        assertThat(verdict.get(60, TimeUnit.SECONDS)).isTrue();
      }
    } finally {
      executor.shutdownNow();
      credentials.forEach(Credential::close);
    }
  }

  @Test
  void toString_showsNoSecretMaterial() {
    try (Credential credential = mint("a", "g1")) {
      assertThat(ephemeral.toString()).doesNotContain(new String(credential.secret()))
          .startsWith("EphemeralCredentials[live=1");
    }
  }

  @Nested
  class Parameters {
    @Test
    void defaults_areOwaspMinimum() {
      assertThat(Argon2Parameters.recommended()).isEqualTo(new Argon2Parameters(19 * 1024, 2, 1));
      assertThat(ephemeral.parameters()).isEqualTo(Argon2Parameters.recommended());
    }

    @Test
    void memoryBelow19MiB_isRejected() {
      assertThatThrownBy(() -> new Argon2Parameters(19 * 1024 - 1, 2, 1))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("memory").hasMessageContaining("19455 KiB").hasMessageContaining("OWASP");
    }

    @Test
    void iterationsBelow2_areRejected() {
      assertThatThrownBy(() -> new Argon2Parameters(64 * 1024, 1, 1))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("iterations").hasMessageContaining("was 1");
    }

    @Test
    void parallelismOutOfRange_isRejected() {
      assertThatThrownBy(() -> new Argon2Parameters(19 * 1024, 2, 0))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("parallelism").hasMessageContaining("was 0");
      assertThatThrownBy(() -> new Argon2Parameters(19 * 1024, 2, 17))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("parallelism").hasMessageContaining("was 17");
    }

    @Test
    void strongerParameters_work() {
      try (EphemeralCredentials strong = new EphemeralCredentials(clock, new Argon2Parameters(32 * 1024, 3, 2),
          SecretGenerator.alphanumeric(24));
          Credential credential = strong.mint("a", "g1", T0.plusSeconds(60))) {
        assertThat(credential.secret()).hasSize(24);
        assertThat(strong.verify("a", credential.secret())).isTrue();
      }
    }
  }

  /** A clock a test sets by hand. */
  static final class ManualClock extends Clock {
    private volatile Instant now;

    ManualClock(Instant now) {
      this.now = now;
    }

    void set(Instant instant) {
      now = instant;
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      throw new UnsupportedOperationException();
    }
  }

  /** A fixed clock whose n-th read after arming signals and waits, to pause a verification mid-way. */
  static final class BlockingClock extends Clock {
    private final Instant now;
    private final AtomicInteger calls = new AtomicInteger();
    private volatile int blockOn = -1;
    final CountDownLatch reached = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);

    BlockingClock(Instant now) {
      this.now = now;
    }

    void blockOnCall(int n) {
      calls.set(0);
      blockOn = n;
    }

    @Override
    public Instant instant() {
      if (calls.incrementAndGet() == blockOn) {
        reached.countDown();
        try {
          if (!release.await(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("test never released the clock");
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException(e);
        }
      }
      return now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      throw new UnsupportedOperationException();
    }
  }
}
