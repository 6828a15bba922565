package dev.breakglass.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.breakglass.BreakGlassException;
import dev.breakglass.Credential;
import dev.breakglass.ReasonCode;
import dev.breakglass.VaultException;
import dev.breakglass.spi.CredentialRotator;
import dev.breakglass.spi.CredentialVault;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link CredentialRotator} must meet. Extend it in a test of your rotator and
 * supply the rotator, a vault whose credential for {@link #account()} works at the target right
 * now, and a way to ask the target whether a credential works:
 *
 * <pre>{@code
 * class MyRotatorContractTest extends CredentialRotatorContract {
 *   protected CredentialRotator createRotator() { return new MyRotator(settings); }
 *   protected CredentialVault createVault() { resetTargetTo(INITIAL); return vaultHolding(ACCOUNT, INITIAL); }
 *   protected String account() { return ACCOUNT; }
 *   protected boolean credentialWorks(String account, char[] secret) { return tryLogin(account, secret); }
 * }
 * }</pre>
 *
 * <p>Each test gets a fresh rotator and a fresh vault, and the contract closes both afterwards.
 * {@link #createVault()} must also put the target back into a state where the vault's credential
 * works, because a test may leave the target changed. What the contract proves:
 *
 * <ul>
 *   <li>after {@code rotate}, the old credential fails at the target, the new one works, and the
 *       vault holds the new one; rotating again replaces it again; other vault entries stay as
 *       they were;
 *   <li>an unsupported account, or a vault that refuses the write, makes {@code rotate} throw a
 *       {@link BreakGlassException} with {@link ReasonCode#ROTATION_FAILED} and leaves the vault
 *       unchanged;
 *   <li>no exception message (nor any cause's or suppressed exception's) and no {@code toString()}
 *       carries the old or the new secret;
 *   <li>{@code verify} either agrees with the target or says it cannot check (throws {@link
 *       UnsupportedOperationException}); it never gives a wrong answer.
 * </ul>
 */
public abstract class CredentialRotatorContract {
  /** An extra vault entry that rotating {@link #account()} must leave alone. */
  private static final String BYSTANDER = "breakglass-tck-bystander";

  private CredentialRotator rotator;
  private CredentialVault vault;

  /**
   * A new rotator, created for each test. The contract closes it.
   *
   * @return the rotator under test
   */
  protected abstract CredentialRotator createRotator();

  /**
   * A new vault, created for each test, holding a credential for {@link #account()} that works at
   * the target now. Reset the target here if needed. The contract closes the vault.
   *
   * @return the vault the rotator writes to
   */
  protected abstract CredentialVault createVault();

  /**
   * An account the rotator supports and the vault holds.
   *
   * @return the account name
   */
  protected abstract String account();

  /**
   * An account the rotator does not support. Override it if the default name could be supported.
   *
   * @return an account name {@link CredentialRotator#supports} must refuse
   */
  protected String unsupportedAccount() {
    return "breakglass-tck-unsupported";
  }

  /**
   * Whether {@code secret} works for {@code account} at the target right now (for example, by
   * logging in to the database with it).
   *
   * @param account the account
   * @param secret the secret to try
   * @return {@code true} if the target accepts it
   */
  protected abstract boolean credentialWorks(String account, char[] secret);

  /**
   * The rotator of the running test.
   *
   * @return the rotator from {@link #createRotator()}
   */
  protected final CredentialRotator rotator() {
    return rotator;
  }

  /**
   * The vault of the running test.
   *
   * @return the vault from {@link #createVault()}
   */
  protected final CredentialVault vault() {
    return vault;
  }

  @BeforeEach
  final void createFixture() {
    rotator = createRotator();
    vault = createVault();
  }

  @AfterEach
  final void closeFixture() throws Exception {
    try {
      if (rotator != null) {
        rotator.close();
      }
    } finally {
      if (vault != null) {
        vault.close();
      }
    }
  }

  @Nested
  class Fixture {
    @Test
    void initialVaultCredential_worksAtTheTarget() {
      char[] initial = secretInVault(account());
      assertThat(credentialWorks(account(), initial))
          .as("createVault() must return a vault whose credential for '%s' works at the target", account())
          .isTrue();
    }

    @Test
    void credentialCheck_rejectsAWrongSecret() {
      assertThat(credentialWorks(account(), "breakglass-tck-wrong-secret-0123456789".toCharArray()))
          .as("credentialWorks() must be able to say no, or the contract proves nothing")
          .isFalse();
    }

    @Test
    void supports_theAccountButNotTheUnsupportedOne() {
      assertThat(rotator.supports(account())).isTrue();
      assertThat(rotator.supports(unsupportedAccount())).isFalse();
    }
  }

  @Nested
  class Rotate {
    @Test
    void rotate_oldCredentialStopsWorking_newOneWorks() {
      char[] before = secretInVault(account());

      rotator.rotate(account(), vault);

      char[] after = secretInVault(account());
      assertThat(credentialWorks(account(), before)).as("the old credential after rotation").isFalse();
      assertThat(credentialWorks(account(), after)).as("the vault's new credential after rotation").isTrue();
    }

    @Test
    void rotate_storesANewNonEmptyValueInTheVault() {
      char[] before = secretInVault(account());

      rotator.rotate(account(), vault);

      char[] after = secretInVault(account());
      assertThat(after).isNotEmpty();
      assertThat(Arrays.equals(before, after)).as("vault value changed").isFalse();
    }

    @Test
    void rotate_twice_eachRotationReplacesTheLast() {
      char[] first = secretInVault(account());
      rotator.rotate(account(), vault);
      char[] second = secretInVault(account());
      rotator.rotate(account(), vault);
      char[] third = secretInVault(account());

      assertThat(Arrays.equals(second, third)).isFalse();
      assertThat(Arrays.equals(first, third)).isFalse();
      assertThat(credentialWorks(account(), first)).isFalse();
      assertThat(credentialWorks(account(), second)).isFalse();
      assertThat(credentialWorks(account(), third)).isTrue();
    }

    @Test
    void rotate_leavesOtherVaultEntriesAlone() {
      char[] bystander = "breakglass-tck-bystander-secret".toCharArray();
      vault.write(BYSTANDER, bystander);

      rotator.rotate(account(), vault);

      assertThat(secretInVault(BYSTANDER)).isEqualTo(bystander);
      assertThat(vault.accounts()).contains(account(), BYSTANDER);
    }

    @Test
    void rotate_secretsAppearInNoToString() {
      char[] before = secretInVault(account());
      rotator.rotate(account(), vault);
      char[] after = secretInVault(account());

      assertNoSecretIn(List.of(String.valueOf(rotator)), before, after);
    }
  }

  @Nested
  class Failures {
    @Test
    void rotate_unsupportedAccount_failsClearlyAndChangesNothing() {
      char[] before = secretInVault(account());
      Set<String> accountsBefore = vault.accounts();

      Throwable thrown = catchThrowable(() -> rotator.rotate(unsupportedAccount(), vault));

      assertThat(thrown).isInstanceOf(BreakGlassException.class).hasMessageContaining(unsupportedAccount());
      assertThat(((BreakGlassException) thrown).code()).isEqualTo(ReasonCode.ROTATION_FAILED);
      assertThat(vault.accounts()).isEqualTo(accountsBefore);
      assertThat(secretInVault(account())).isEqualTo(before);
      assertThat(credentialWorks(account(), before)).isTrue();
      assertNoSecretIn(messagesOf(thrown), before);
    }

    @Test
    void rotate_vaultRefusesTheWrite_failsAndTheVaultKeepsItsValue() {
      char[] before = secretInVault(account());
      WriteRefusingVault refusing = new WriteRefusingVault(vault);

      Throwable thrown = catchThrowable(() -> rotator.rotate(account(), refusing));

      assertThat(thrown).isInstanceOf(BreakGlassException.class);
      assertThat(((BreakGlassException) thrown).code()).isEqualTo(ReasonCode.ROTATION_FAILED);
      assertThat(secretInVault(account())).isEqualTo(before);
      assertThat(refusing.attempted).as("the rotator tried to write the vault").isNotEmpty();
      List<char[]> secrets = new ArrayList<>(refusing.attempted);
      secrets.add(before);
      assertNoSecretIn(messagesOf(thrown), secrets.toArray(new char[0][]));
    }

    @Test
    void rotate_afterAFailure_aNormalRotationStillSucceeds() {
      catchThrowable(() -> rotator.rotate(account(), new WriteRefusingVault(vault)));

      rotator.rotate(account(), vault);

      assertThat(credentialWorks(account(), secretInVault(account()))).isTrue();
    }
  }

  @Nested
  class Verify {
    @Test
    void verify_afterRotation_confirmsTheVaultCredentialOrCannotCheck() {
      rotator.rotate(account(), vault);

      Boolean answer = verifyOrNull();

      if (answer != null) {
        assertThat(answer).as("verify after a successful rotation").isTrue();
      }
    }

    @Test
    void verify_vaultHoldsAWrongCredential_agreesWithTheTarget() {
      char[] wrong = "breakglass-tck-not-the-target-credential-42".toCharArray();
      vault.write(account(), wrong);
      boolean expected = credentialWorks(account(), wrong);

      Boolean answer = verifyOrNull();

      if (answer != null) {
        assertThat(answer).as("verify must agree with the target").isEqualTo(expected);
      }
    }

    private Boolean verifyOrNull() {
      try {
        return rotator.verify(account(), vault);
      } catch (UnsupportedOperationException cannotCheck) {
        assertThat(cannotCheck).hasMessageContaining(rotator.name());
        return null;
      }
    }
  }

  /**
   * A copy of the secret the vault holds for {@code account}.
   *
   * @param account the account
   * @return a copy the caller may keep and wipe
   */
  protected final char[] secretInVault(String account) {
    try (Credential credential = vault.read(account)) {
      return credential.secret().clone();
    }
  }

  /**
   * Every message in the chain of {@code thrown}: causes and suppressed exceptions too.
   *
   * @param thrown the exception to search
   * @return the non-null messages found
   */
  protected static List<String> messagesOf(Throwable thrown) {
    List<String> messages = new ArrayList<>();
    Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    collect(thrown, messages, seen);
    return messages;
  }

  private static void collect(Throwable t, List<String> messages, Set<Throwable> seen) {
    if (t == null || !seen.add(t)) {
      return;
    }
    messages.add(String.valueOf(t.getMessage()));
    messages.add(t.toString());
    collect(t.getCause(), messages, seen);
    for (Throwable suppressed : t.getSuppressed()) {
      collect(suppressed, messages, seen);
    }
  }

  /**
   * Fails if any text contains any of the secrets.
   *
   * @param texts messages, log lines or results to search
   * @param secrets the secrets that must not appear
   */
  protected static void assertNoSecretIn(List<String> texts, char[]... secrets) {
    for (char[] secret : secrets) {
      String s = new String(secret);
      for (String text : texts) {
        assertThat(text).as("a message or toString() leaks a secret").doesNotContain(s);
      }
    }
  }

  /** Reads through to a real vault and refuses every write, remembering what it was asked to store. */
  private static final class WriteRefusingVault implements CredentialVault {
    private final CredentialVault delegate;
    final List<char[]> attempted = new CopyOnWriteArrayList<>();

    WriteRefusingVault(CredentialVault delegate) {
      this.delegate = delegate;
    }

    @Override
    public Set<String> accounts() {
      return delegate.accounts();
    }

    @Override
    public Credential read(String account) {
      return delegate.read(account);
    }

    @Override
    public void write(String account, char[] secret) {
      attempted.add(secret.clone());
      throw new VaultException("breakglass-tck: this vault refuses writes (account '" + account + "')");
    }

    @Override
    public void close() {
      // The wrapped vault belongs to the contract, which closes it.
    }
  }
}
