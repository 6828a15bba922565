package dev.breakglass.core.rotation;

import dev.breakglass.BreakGlassException;
import dev.breakglass.Credential;
import dev.breakglass.ReasonCode;
import dev.breakglass.spi.CredentialRotator;
import dev.breakglass.spi.CredentialVault;
import dev.breakglass.spi.SealedCredentialVault;
import java.util.Arrays;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Rotates credentials of accounts that live only in the host application: the host checks logins
 * against the vault, so the vault is the target and rotating means storing a fresh random secret
 * there. Use it for local emergency accounts whose password the application itself verifies.
 *
 * <pre>{@code
 * CredentialRotator rotator = VaultOnlyRotator.forAccounts(Set.of("local-admin"), SecretGenerator.defaults());
 * rotator.rotate("local-admin", vault);   // the released password stops working at once
 * }</pre>
 *
 * <p>{@link #rotate} refuses accounts it was not configured for and accounts the vault holds no
 * credential for (rotation replaces, it never creates), in both cases with {@link
 * ReasonCode#ROTATION_FAILED} and without writing. If the vault's write fails, the vault keeps the
 * old credential (its contract) and rotation fails. {@link #verify} answers whether the vault can
 * still produce the credential, which for a vault-only account is the same as whether it works.
 * A {@linkplain SealedCredentialVault custodian-sealed vault} is rotated without shares: its
 * credentials are written to its public key, and the account's presence is checked instead of a read.
 *
 * <p>Immutable and thread-safe. Provider name {@value #NAME}; see {@link VaultOnlyRotatorProvider}.
 */
public final class VaultOnlyRotator implements CredentialRotator {
  /** The provider and rotator name. */
  public static final String NAME = "vault";

  private final Set<String> accounts;
  private final boolean anyAccount;
  private final SecretGenerator generator;

  private VaultOnlyRotator(Set<String> accounts, boolean anyAccount, SecretGenerator generator) {
    this.accounts = Set.copyOf(accounts);
    this.anyAccount = anyAccount;
    this.generator = Objects.requireNonNull(generator, "generator");
  }

  /**
   * A rotator for the named accounts only.
   *
   * @throws IllegalArgumentException if {@code accounts} is empty or names a blank account
   */
  public static VaultOnlyRotator forAccounts(Set<String> accounts, SecretGenerator generator) {
    Objects.requireNonNull(accounts, "accounts");
    if (accounts.isEmpty()) {
      throw new IllegalArgumentException("a vault-only rotator needs at least one account");
    }
    for (String account : accounts) {
      if (account == null || account.isBlank()) {
        throw new IllegalArgumentException("account names must not be blank");
      }
    }
    return new VaultOnlyRotator(accounts, false, generator);
  }

  /** A rotator for every account the vault holds. */
  public static VaultOnlyRotator forAnyAccount(SecretGenerator generator) {
    return new VaultOnlyRotator(Set.of(), true, generator);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public boolean supports(String account) {
    return anyAccount || accounts.contains(account);
  }

  /**
   * Stores a fresh secret for {@code account}.
   *
   * @throws BreakGlassException with {@link ReasonCode#ROTATION_FAILED} if the account is not
   *     handled here, the vault holds no readable credential for it, or the vault write fails; the
   *     vault is unchanged in every case
   */
  @Override
  public void rotate(String account, CredentialVault vault) {
    Objects.requireNonNull(account, "account");
    Objects.requireNonNull(vault, "vault");
    if (!supports(account)) {
      throw new BreakGlassException(ReasonCode.ROTATION_FAILED,
          "the vault rotator does not handle account '" + account + "'; it handles " + describeAccounts());
    }
    if (vault instanceof SealedCredentialVault) {
      // Reading a sealed vault needs custodians' shares, writing does not: rotation must not need
      // them, so the account's presence is all that is checked before it is replaced.
      if (!vault.accounts().contains(account)) {
        throw new BreakGlassException(ReasonCode.ROTATION_FAILED,
            "cannot rotate account '" + account + "': the sealed vault holds no credential for it");
      }
    } else {
      try (Credential current = vault.read(account)) {
        // Reading proves the account exists and decrypts before anything is replaced.
        current.secret();
      } catch (BreakGlassException e) {
        throw new BreakGlassException(ReasonCode.ROTATION_FAILED,
            "cannot rotate account '" + account + "': the vault has no readable credential for it", e);
      }
    }
    char[] fresh = generator.generate();
    try {
      vault.write(account, fresh);
    } catch (BreakGlassException e) {
      throw new BreakGlassException(ReasonCode.ROTATION_FAILED,
          "cannot rotate account '" + account + "': the vault did not store the new credential, the old one stays", e);
    } finally {
      Arrays.fill(fresh, '\0');
    }
  }

  /**
   * Whether the vault can produce a non-empty credential for {@code account}: for a vault-only
   * account, that is whether it works.
   *
   * @throws BreakGlassException with {@link ReasonCode#UNKNOWN_ACCOUNT} if the account is not
   *     handled here
   */
  @Override
  public boolean verify(String account, CredentialVault vault) {
    if (!supports(account)) {
      throw new BreakGlassException(ReasonCode.UNKNOWN_ACCOUNT,
          "the vault rotator does not handle account '" + account + "'; it handles " + describeAccounts());
    }
    try (Credential current = vault.read(account)) {
      return current.secret().length > 0;
    } catch (BreakGlassException e) {
      return false;
    }
  }

  @Override
  public String toString() {
    return "VaultOnlyRotator[accounts=" + describeAccounts() + ", " + generator + "]";
  }

  private String describeAccounts() {
    return anyAccount ? "every account in the vault" : new TreeSet<>(accounts).toString();
  }
}
