package dev.breakglass.core.rotation;

import dev.breakglass.Credential;
import dev.breakglass.spi.CredentialRotator;
import dev.breakglass.spi.CredentialVault;
import dev.breakglass.tck.CredentialRotatorContract;
import dev.breakglass.tck.fixtures.InMemoryCredentialVault;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;

/** {@link VaultOnlyRotator} meets the rotator contract; its target is the vault itself. */
class VaultOnlyRotatorContractTest extends CredentialRotatorContract {
  private static final String ACCOUNT = "local-admin";

  @Override
  protected CredentialRotator createRotator() {
    return VaultOnlyRotator.forAccounts(Set.of(ACCOUNT), SecretGenerator.defaults());
  }

  @Override
  protected CredentialVault createVault() {
    return InMemoryCredentialVault.of(Map.of(ACCOUNT, "initial-local-admin-password".toCharArray()));
  }

  @Override
  protected String account() {
    return ACCOUNT;
  }

  /** A vault-only account works exactly when the vault holds that secret, as the host checks logins there. */
  @Override
  protected boolean credentialWorks(String account, char[] secret) {
    try (Credential stored = vault().read(account)) {
      return Arrays.equals(stored.secret(), secret);
    }
  }
}
