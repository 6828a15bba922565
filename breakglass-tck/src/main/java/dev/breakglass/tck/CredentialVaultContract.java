package dev.breakglass.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.breakglass.Credential;
import dev.breakglass.VaultException;
import dev.breakglass.spi.CredentialVault;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link CredentialVault} must meet. Extend it, supply {@link #newVault()} and
 * {@link #reopen(CredentialVault)}, and the nested groups test round trips, replacement, errors,
 * durability, concurrent writers and secrecy.
 *
 * <pre>{@code
 * class MyVaultTest extends CredentialVaultContract {
 *   @TempDir Path dir;
 *   protected CredentialVault newVault() { return MyVault.create(dir.resolve("v")); }
 *   protected CredentialVault reopen(CredentialVault v) { v.close(); return MyVault.open(dir.resolve("v")); }
 * }
 * }</pre>
 *
 * <p>Vaults that need more than the account to read (custodian-sealed vaults) override
 * {@link #read(CredentialVault, String)}.
 */
public abstract class CredentialVaultContract {
  /** A secret that must never appear in a message, a {@code toString()} or a stack trace. */
  protected static final String CANARY = "canary-Zq7!vX2#pL9-secret";

  private final List<CredentialVault> opened = new CopyOnWriteArrayList<>();

  /**
   * A new, empty vault on storage of its own. Called at most a few times per test.
   *
   * @return the vault under test
   * @throws Exception if the vault cannot be created; the test fails
   */
  protected abstract CredentialVault newVault() throws Exception;

  /**
   * Closes {@code vault} and opens a new instance over the same storage, as a process restart
   * would.
   *
   * @param vault a vault made by {@link #newVault()} or a previous reopen
   * @return the new instance
   * @throws Exception if the vault cannot be reopened; the test fails
   */
  protected abstract CredentialVault reopen(CredentialVault vault) throws Exception;

  /**
   * Reads as the engine would; sealed vaults override this to supply custodian shares.
   *
   * @param vault the vault to read
   * @param account the account
   * @return the credential; the caller closes it
   */
  protected Credential read(CredentialVault vault, String account) {
    return vault.read(account);
  }

  /**
   * How many threads race in the concurrency tests.
   *
   * @return the thread count
   */
  protected int concurrentWriters() {
    return 8;
  }

  /**
   * A new vault from {@link #newVault()}, tracked for closing after the test.
   *
   * @return the new vault
   * @throws Exception if {@link #newVault()} fails
   */
  protected final CredentialVault open() throws Exception {
    CredentialVault v = newVault();
    opened.add(v);
    return v;
  }

  /**
   * {@link #reopen} {@code vault}, tracking the new instance for closing after the test.
   *
   * @param vault the vault to close and reopen
   * @return the new instance
   * @throws Exception if {@link #reopen} fails
   */
  protected final CredentialVault reopenTracked(CredentialVault vault) throws Exception {
    CredentialVault v = reopen(vault);
    opened.add(v);
    return v;
  }

  @AfterEach
  void closeVaults() {
    for (CredentialVault v : opened) {
      v.close();
    }
    opened.clear();
  }

  /**
   * Reads the credential of {@code account} with {@link #read}, checks that it names the account,
   * and returns its secret as a string (test values only).
   *
   * @param vault the vault to read
   * @param account the account
   * @return the secret as a string
   */
  protected final String readString(CredentialVault vault, String account) {
    try (Credential c = read(vault, account)) {
      assertThat(c.account()).isEqualTo(account);
      return new String(c.secret());
    }
  }

  @Nested
  @DisplayName("round trip")
  class RoundTrip {
    @Test
    void writtenSecretReadsBack() throws Exception {
      CredentialVault vault = open();
      vault.write("db-admin", "s3cret-one".toCharArray());
      assertThat(readString(vault, "db-admin")).isEqualTo("s3cret-one");
    }

    @Test
    void writeReplacesThePreviousSecret() throws Exception {
      CredentialVault vault = open();
      vault.write("db-admin", "first".toCharArray());
      vault.write("db-admin", "second".toCharArray());
      assertThat(readString(vault, "db-admin")).isEqualTo("second");
      assertThat(vault.accounts()).containsExactly("db-admin");
    }

    @Test
    void accountsListsEveryWrittenAccountAndNothingElse() throws Exception {
      CredentialVault vault = open();
      assertThat(vault.accounts()).isEmpty();
      vault.write("a", "1".toCharArray());
      vault.write("b", "2".toCharArray());
      assertThat(vault.accounts()).containsExactlyInAnyOrder("a", "b");
    }

    @Test
    void writeCopiesTheSecretSoTheCallerMayWipeIt() throws Exception {
      CredentialVault vault = open();
      char[] secret = "wipe-me-after".toCharArray();
      vault.write("x", secret);
      java.util.Arrays.fill(secret, '\0');
      assertThat(readString(vault, "x")).isEqualTo("wipe-me-after");
    }

    @Test
    void nonAsciiSecretsSurviveUnchanged() throws Exception {
      CredentialVault vault = open();
      String secret = "pässwörd-密码-🔑";
      vault.write("unicode", secret.toCharArray());
      assertThat(readString(vault, "unicode")).isEqualTo(secret);
    }

    @Test
    void accountsAreIndependent() throws Exception {
      CredentialVault vault = open();
      vault.write("a", "alpha".toCharArray());
      vault.write("b", "beta".toCharArray());
      vault.write("a", "alpha-2".toCharArray());
      assertThat(readString(vault, "b")).isEqualTo("beta");
      assertThat(readString(vault, "a")).isEqualTo("alpha-2");
    }
  }

  @Nested
  @DisplayName("errors")
  class Errors {
    @Test
    void readingAnUnknownAccountThrowsAVaultExceptionNamingIt() throws Exception {
      CredentialVault vault = open();
      vault.write("known", "x".toCharArray());
      assertThatThrownBy(() -> read(vault, "no-such-account"))
          .isInstanceOf(VaultException.class)
          .hasMessageContaining("no-such-account");
    }

    @Test
    void readingFromAnEmptyVaultThrowsAVaultException() throws Exception {
      CredentialVault vault = open();
      assertThatThrownBy(() -> read(vault, "anything")).isInstanceOf(VaultException.class);
    }
  }

  @Nested
  @DisplayName("durability")
  class Durability {
    @Test
    void writtenSecretsSurviveReopening() throws Exception {
      CredentialVault vault = open();
      vault.write("a", "alpha".toCharArray());
      vault.write("b", "beta".toCharArray());
      CredentialVault again = reopenTracked(vault);
      assertThat(again.accounts()).containsExactlyInAnyOrder("a", "b");
      assertThat(readString(again, "a")).isEqualTo("alpha");
      assertThat(readString(again, "b")).isEqualTo("beta");
    }

    @Test
    void aReplacementSurvivesReopening() throws Exception {
      CredentialVault vault = open();
      vault.write("a", "old".toCharArray());
      vault.write("a", "new".toCharArray());
      CredentialVault again = reopenTracked(vault);
      assertThat(readString(again, "a")).isEqualTo("new");
    }

    @Test
    void aReopenedVaultAcceptsFurtherWrites() throws Exception {
      CredentialVault vault = open();
      vault.write("a", "1".toCharArray());
      CredentialVault again = reopenTracked(vault);
      again.write("b", "2".toCharArray());
      CredentialVault third = reopenTracked(again);
      assertThat(readString(third, "a")).isEqualTo("1");
      assertThat(readString(third, "b")).isEqualTo("2");
    }
  }

  @Nested
  @DisplayName("concurrency")
  class Concurrency {
    @Test
    void concurrentWritersLeaveEveryEntryAndAConsistentVault() throws Exception {
      CredentialVault vault = open();
      int threads = concurrentWriters();
      int rounds = 3;
      CyclicBarrier start = new CyclicBarrier(threads);
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      try {
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          int id = t;
          futures.add(pool.submit(() -> {
            start.await();
            for (int r = 0; r < rounds; r++) {
              vault.write("own-" + id, ("value-" + id + "-" + r).toCharArray());
              vault.write("shared", ("shared-" + id + "-" + r).toCharArray());
            }
            return null;
          }));
        }
        for (Future<?> f : futures) {
          f.get(2, TimeUnit.MINUTES);
        }
      } finally {
        pool.shutdownNow();
      }
      Set<String> sharedValues = new HashSet<>();
      for (int t = 0; t < threads; t++) {
        sharedValues.add("shared-" + t + "-" + (rounds - 1));
      }
      assertConsistent(vault, threads, rounds, sharedValues);
      assertConsistent(reopenTracked(vault), threads, rounds, sharedValues);
    }

    private void assertConsistent(CredentialVault vault, int threads, int rounds, Set<String> lastShared) {
      Set<String> expected = new HashSet<>();
      expected.add("shared");
      for (int t = 0; t < threads; t++) {
        expected.add("own-" + t);
        assertThat(readString(vault, "own-" + t)).isEqualTo("value-" + t + "-" + (rounds - 1));
      }
      assertThat(vault.accounts()).containsExactlyInAnyOrderElementsOf(expected);
      // The last write to "shared" is some thread's last round.
      assertThat(readString(vault, "shared")).isIn(lastShared);
    }

    @Test
    void readersRacingAWriterSeeOnlyWholeSecrets() throws Exception {
      CredentialVault vault = open();
      vault.write("hot", "version-0".toCharArray());
      int readers = Math.max(2, concurrentWriters() / 2);
      CyclicBarrier start = new CyclicBarrier(readers + 1);
      ExecutorService pool = Executors.newFixedThreadPool(readers + 1);
      Set<String> seen = java.util.concurrent.ConcurrentHashMap.newKeySet();
      try {
        List<Future<?>> futures = new ArrayList<>();
        futures.add(pool.submit(() -> {
          start.await();
          for (int v = 1; v <= 5; v++) {
            vault.write("hot", ("version-" + v).toCharArray());
          }
          return null;
        }));
        for (int r = 0; r < readers; r++) {
          futures.add(pool.submit(() -> {
            start.await();
            for (int i = 0; i < 10; i++) {
              seen.add(readString(vault, "hot"));
            }
            return null;
          }));
        }
        for (Future<?> f : futures) {
          f.get(2, TimeUnit.MINUTES);
        }
      } finally {
        pool.shutdownNow();
      }
      assertThat(seen).isNotEmpty().allMatch(s -> s.matches("version-[0-5]"));
      assertThat(readString(vault, "hot")).isEqualTo("version-5");
    }
  }

  @Nested
  @DisplayName("secrecy")
  class Secrecy {
    @Test
    void theSecretIsNeverInTheVaultsOrTheCredentialsToString() throws Exception {
      CredentialVault vault = open();
      vault.write("canary-account", CANARY.toCharArray());
      try (Credential c = read(vault, "canary-account")) {
        assertThat(c.toString()).doesNotContain(CANARY);
        assertThat(vault.toString()).doesNotContain(CANARY);
      }
    }

    @Test
    void theSecretIsNeverInAnExceptionFromTheVault() throws Exception {
      CredentialVault vault = open();
      vault.write("canary-account", CANARY.toCharArray());
      Throwable unknown = catchThrowable(() -> read(vault, "missing"));
      assertThat(unknown).isInstanceOf(VaultException.class);
      assertThat(fullTrace(unknown)).doesNotContain(CANARY);
      vault.close();
      Throwable closed = catchThrowable(() -> read(vault, "canary-account"));
      if (closed != null) {
        assertThat(fullTrace(closed)).doesNotContain(CANARY);
      }
    }

    @Test
    void readReturnsAnIndependentCredentialThatWipesOnClose() throws Exception {
      CredentialVault vault = open();
      vault.write("acct", CANARY.toCharArray());
      Credential first = read(vault, "acct");
      Credential second = read(vault, "acct");
      assertThat(first.secret()).isNotSameAs(second.secret());
      char[] firstArray = first.secret();
      first.close();
      assertThat(first.isWiped()).isTrue();
      assertThat(firstArray).containsOnly('\0');
      assertThatThrownBy(first::secret).isInstanceOf(IllegalStateException.class);
      assertThat(new String(second.secret())).isEqualTo(CANARY);
      second.close();
      assertThat(readString(vault, "acct")).as("wiping a released copy must not touch the vault").isEqualTo(CANARY);
    }
  }

  /**
   * The exception's messages, causes and suppressed exceptions, as a printed stack trace.
   *
   * @param t the exception
   * @return the printed trace
   */
  protected static String fullTrace(Throwable t) {
    StringWriter w = new StringWriter();
    t.printStackTrace(new PrintWriter(w));
    return w.toString() + " " + t;
  }
}
