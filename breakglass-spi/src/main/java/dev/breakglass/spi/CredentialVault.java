package dev.breakglass.spi;

import dev.breakglass.Credential;
import java.util.Set;

/**
 * Holds the credentials of the pre-staged break-glass accounts. The engine reads a credential only
 * to release it for an active grant or to verify an emergency login, and writes one only when a
 * {@link CredentialRotator} replaces it.
 *
 * <p>Implementations must be thread-safe, must write atomically (a crash leaves the old or the new
 * state, never a broken one), and must never put secret material in exceptions or logs. Prove an
 * implementation with {@code CredentialVaultContract} from breakglass-tck.
 */
public interface CredentialVault extends AutoCloseable {
  /**
   * The accounts this vault holds a credential for.
   *
   * @return the account names; empty for an empty vault
   */
  Set<String> accounts();

  /**
   * Reads the current credential of {@code account}. The caller owns the result and closes it.
   *
   * @param account an account of {@link #accounts()}
   * @return the credential; close it to wipe the secret
   * @throws dev.breakglass.VaultException if the account is unknown or the vault cannot be read
   */
  Credential read(String account);

  /**
   * Stores (or replaces) the credential of {@code account} durably. The vault copies the secret;
   * the caller stays responsible for wiping {@code secret}.
   *
   * @param account the account name; a new name adds the account
   * @param secret the new secret
   * @throws dev.breakglass.VaultException if the vault cannot be written; the old credential stays
   */
  void write(String account, char[] secret);

  /** Releases the vault's resources and wipes any keys it holds in memory. The default does nothing. */
  @Override
  default void close() {}
}
