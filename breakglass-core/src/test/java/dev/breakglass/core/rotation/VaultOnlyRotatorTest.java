package dev.breakglass.core.rotation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakglass.BreakGlassException;
import dev.breakglass.Credential;
import dev.breakglass.ProviderException;
import dev.breakglass.ReasonCode;
import dev.breakglass.spi.CredentialRotator;
import dev.breakglass.spi.CredentialRotatorProvider;
import dev.breakglass.spi.ProviderContext;
import dev.breakglass.tck.fixtures.InMemoryCredentialVault;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import org.junit.jupiter.api.Test;

class VaultOnlyRotatorTest {
  private static ProviderContext context(Map<String, String> properties) {
    return new ProviderContext("vault", properties, Clock.systemUTC(), Path.of("."));
  }

  private static char[] secretOf(InMemoryCredentialVault vault, String account) {
    try (Credential credential = vault.read(account)) {
      return credential.secret().clone();
    }
  }

  @Test
  void rotate_accountMissingFromVault_failsWithoutCreatingIt() {
    CredentialRotator rotator = VaultOnlyRotator.forAnyAccount(SecretGenerator.defaults());
    InMemoryCredentialVault vault = new InMemoryCredentialVault();

    assertThatThrownBy(() -> rotator.rotate("ghost", vault))
        .isInstanceOf(BreakGlassException.class)
        .hasMessageContaining("'ghost'")
        .hasMessageContaining("no readable credential")
        .extracting(e -> ((BreakGlassException) e).code()).isEqualTo(ReasonCode.ROTATION_FAILED);
    assertThat(vault.accounts()).isEmpty();
    assertThat(vault.writeCount()).isZero();
  }

  @Test
  void rotate_forAnyAccount_rotatesWhateverTheVaultHolds() {
    CredentialRotator rotator = VaultOnlyRotator.forAnyAccount(SecretGenerator.defaults());
    InMemoryCredentialVault vault = InMemoryCredentialVault.of(Map.of("a", "old-a".toCharArray()));

    rotator.rotate("a", vault);

    assertThat(new String(secretOf(vault, "a"))).isNotEqualTo("old-a").hasSize(SecretGenerator.DEFAULT_LENGTH);
  }

  @Test
  void rotate_usesTheConfiguredGenerator() {
    CredentialRotator rotator = VaultOnlyRotator.forAccounts(Set.of("a"), SecretGenerator.of("0123456789abcdef", 40));
    InMemoryCredentialVault vault = InMemoryCredentialVault.of(Map.of("a", "old".toCharArray()));

    rotator.rotate("a", vault);

    assertThat(new String(secretOf(vault, "a"))).matches("[0-9a-f]{40}");
  }

  @Test
  void verify_unsupportedAccount_isRefusedAsUnknown() {
    CredentialRotator rotator = VaultOnlyRotator.forAccounts(Set.of("a"), SecretGenerator.defaults());

    assertThatThrownBy(() -> rotator.verify("b", new InMemoryCredentialVault()))
        .isInstanceOf(BreakGlassException.class)
        .hasMessageContaining("'b'")
        .extracting(e -> ((BreakGlassException) e).code()).isEqualTo(ReasonCode.UNKNOWN_ACCOUNT);
  }

  @Test
  void verify_accountMissingFromVault_isFalse() {
    CredentialRotator rotator = VaultOnlyRotator.forAccounts(Set.of("a"), SecretGenerator.defaults());

    assertThat(rotator.verify("a", new InMemoryCredentialVault())).isFalse();
  }

  @Test
  void forAccounts_emptyOrBlank_isRejected() {
    assertThatThrownBy(() -> VaultOnlyRotator.forAccounts(Set.of(), SecretGenerator.defaults()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least one account");
    assertThatThrownBy(() -> VaultOnlyRotator.forAccounts(Set.of(" "), SecretGenerator.defaults()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("blank");
  }

  @Test
  void provider_isFoundByServiceLoaderUnderItsName() {
    assertThat(ServiceLoader.load(CredentialRotatorProvider.class).stream()
        .map(ServiceLoader.Provider::get)
        .filter(p -> p.name().equals("vault")))
        .hasSize(1).first().isInstanceOf(VaultOnlyRotatorProvider.class);
  }

  @Test
  void provider_accountList_isParsedAndTrimmed() {
    CredentialRotator rotator = new VaultOnlyRotatorProvider().create(context(Map.of("accounts", " a , b ")));

    assertThat(rotator.supports("a")).isTrue();
    assertThat(rotator.supports("b")).isTrue();
    assertThat(rotator.supports("c")).isFalse();
  }

  @Test
  void provider_star_supportsEveryAccount() {
    CredentialRotator rotator = new VaultOnlyRotatorProvider().create(context(Map.of("accounts", "*")));

    assertThat(rotator.supports("anything")).isTrue();
  }

  @Test
  void provider_lengthAndAlphabet_areApplied() {
    CredentialRotator rotator = new VaultOnlyRotatorProvider()
        .create(context(Map.of("accounts", "a", "length", "48", "alphabet", "abcdefgh")));
    InMemoryCredentialVault vault = InMemoryCredentialVault.of(Map.of("a", "old".toCharArray()));

    rotator.rotate("a", vault);

    assertThat(new String(secretOf(vault, "a"))).matches("[a-h]{48}");
  }

  @Test
  void provider_missingAccounts_namesTheProperty() {
    assertThatThrownBy(() -> new VaultOnlyRotatorProvider().create(context(Map.of())))
        .isInstanceOf(ProviderException.class).hasMessageContaining("'accounts'");
  }

  @Test
  void provider_emptyAccountEntry_isRejected() {
    assertThatThrownBy(() -> new VaultOnlyRotatorProvider().create(context(Map.of("accounts", "a,,b"))))
        .isInstanceOf(ProviderException.class).hasMessageContaining("empty entry");
  }

  @Test
  void provider_weakLength_isRejectedWithTheNumbers() {
    assertThatThrownBy(() -> new VaultOnlyRotatorProvider().create(context(Map.of("accounts", "a", "length", "12"))))
        .isInstanceOf(ProviderException.class)
        .hasMessageContaining("'length'")
        .hasMessageContaining("at least 128")
        .hasMessageContaining("at least 22");
  }

  @Test
  void provider_nonNumericLength_isRejected() {
    assertThatThrownBy(() -> new VaultOnlyRotatorProvider().create(context(Map.of("accounts", "a", "length", "long"))))
        .isInstanceOf(ProviderException.class).hasMessageContaining("'length'").hasMessageContaining("integer");
  }
}
