package dev.breakglass.core.rotation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakglass.BreakGlassException;
import dev.breakglass.Credential;
import dev.breakglass.ReasonCode;
import dev.breakglass.core.vault.Argon2Parameters;
import dev.breakglass.core.vault.SealedFileVault;
import dev.breakglass.spi.CredentialVault;
import dev.breakglass.tck.fixtures.InMemoryCredentialVault;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link VaultOnlyRotator} against the kinds of vault it meets: a custodian-sealed vault (rotated
 * without shares), a vault holding an empty credential, and a vault that keeps what it is given.
 */
class VaultOnlyRotatorVaultsTest {
  @TempDir Path dir;

  private SealedFileVault.Created sealed() {
    return SealedFileVault.create(dir.resolve("sealed.json"), "correct horse battery".toCharArray(),
        Argon2Parameters.recommended(), 2, List.of("carol", "dave", "erin"));
  }

  @Test
  void sealedVault_presentAccount_isRotatedWithoutShares() {
    SealedFileVault.Created created = sealed();
    try (SealedFileVault vault = created.vault()) {
      vault.write("db", "old-secret".toCharArray());
      long before = vault.generation();

      VaultOnlyRotator.forAccounts(Set.of("db"), SecretGenerator.defaults()).rotate("db", vault);

      assertThat(vault.generation()).isGreaterThan(before);
      try (Credential rotated = vault.read("db", Map.of("carol", created.share("carol").encode(),
          "erin", created.share("erin").encode()))) {
        assertThat(new String(rotated.secret())).matches("[A-Za-z0-9]{32}");
      }
    } finally {
      created.shares().forEach(s -> s.close());
    }
  }

  @Test
  void sealedVault_absentAccount_failsWithoutCreatingIt() {
    SealedFileVault.Created created = sealed();
    try (SealedFileVault vault = created.vault()) {
      vault.write("db", "old-secret".toCharArray());
      long before = vault.generation();

      assertThatThrownBy(() -> VaultOnlyRotator.forAnyAccount(SecretGenerator.defaults()).rotate("ghost", vault))
          .isInstanceOf(BreakGlassException.class)
          .hasMessageContaining("'ghost'")
          .hasMessageContaining("sealed vault holds no credential")
          .extracting(e -> ((BreakGlassException) e).code()).isEqualTo(ReasonCode.ROTATION_FAILED);
      assertThat(vault.accounts()).containsExactly("db");
      assertThat(vault.generation()).isEqualTo(before);
    } finally {
      created.shares().forEach(s -> s.close());
    }
  }

  @Test
  void rotate_wipesTheFreshSecretAfterTheVaultStoredIt() {
    KeepingVault vault = new KeepingVault(InMemoryCredentialVault.of(Map.of("a", "old".toCharArray())));

    VaultOnlyRotator.forAccounts(Set.of("a"), SecretGenerator.defaults()).rotate("a", vault);

    assertThat(vault.written).hasSize(1);
    assertThat(vault.written.get(0)).hasSize(32).containsOnly('\0');
    try (Credential stored = vault.read("a")) {
      assertThat(new String(stored.secret())).matches("[A-Za-z0-9]{32}");
    }
  }

  @Test
  void verify_emptyCredential_isFalse_andANonEmptyOneTrue() {
    InMemoryCredentialVault vault = InMemoryCredentialVault.of(Map.of("empty", new char[0], "a", "x".toCharArray()));
    VaultOnlyRotator rotator = VaultOnlyRotator.forAnyAccount(SecretGenerator.defaults());

    assertThat(rotator.verify("empty", vault)).isFalse();
    assertThat(rotator.verify("a", vault)).isTrue();
  }

  @Test
  void refusals_nameTheAccountsTheRotatorHandles() {
    VaultOnlyRotator some = VaultOnlyRotator.forAccounts(Set.of("b", "a"), SecretGenerator.defaults());
    VaultOnlyRotator any = VaultOnlyRotator.forAnyAccount(SecretGenerator.defaults());
    InMemoryCredentialVault vault = new InMemoryCredentialVault();

    assertThatThrownBy(() -> some.rotate("c", vault)).hasMessageEndingWith("it handles [a, b]");
    assertThatThrownBy(() -> some.verify("c", vault)).hasMessageEndingWith("it handles [a, b]");
    assertThat(any.supports("anything")).isTrue();
    assertThat(some.supports("c")).isFalse();
  }

  @Test
  void nameAndToString_describeTheRotatorWithoutSecrets() {
    SecretGenerator generator = SecretGenerator.defaults();

    assertThat(VaultOnlyRotator.forAnyAccount(generator).name()).isEqualTo(VaultOnlyRotator.NAME).isEqualTo("vault");
    assertThat(VaultOnlyRotator.forAccounts(Set.of("b", "a"), generator).toString())
        .isEqualTo("VaultOnlyRotator[accounts=[a, b], " + generator + "]");
    assertThat(VaultOnlyRotator.forAnyAccount(generator).toString())
        .isEqualTo("VaultOnlyRotator[accounts=every account in the vault, " + generator + "]");
  }

  /** A vault that stores a copy, like every vault, and keeps the caller's array to check it was wiped. */
  private static final class KeepingVault implements CredentialVault {
    final CredentialVault delegate;
    final List<char[]> written = new ArrayList<>();

    KeepingVault(CredentialVault delegate) {
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
      written.add(secret);
      delegate.write(account, secret);
    }
  }
}
