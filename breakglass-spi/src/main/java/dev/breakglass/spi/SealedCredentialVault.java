package dev.breakglass.spi;

import dev.breakglass.Credential;
import java.util.Map;
import java.util.Set;

/**
 * A credential vault that needs custodians to open it: reading a credential takes the shares of at
 * least {@link #threshold()} of its {@link #custodians()}, which the engine collects with the
 * approvals of the request ({@link dev.breakglass.Approval#withShare}). Writing (rotation) needs no
 * shares, so a credential can be replaced after every incident without calling the custodians.
 *
 * <p>{@link #read(String)} without shares always fails with a {@link dev.breakglass.VaultException}
 * that says how many shares are needed.
 *
 * <p>Implementations must be thread-safe, must verify every share before using it (a wrong,
 * corrupted or foreign share, or fewer than {@link #threshold()} shares, is an error, never a wrong
 * key), and must keep the combined key in memory only for the one read and wipe it afterwards.
 * Prove an implementation with {@code SealedCredentialVaultContract} from breakglass-tck.
 */
public interface SealedCredentialVault extends CredentialVault {
  /**
   * How many distinct custodians' shares a read needs (M of N).
   *
   * @return the threshold M, at least 1
   */
  int threshold();

  /**
   * The custodians holding a share (N of them).
   *
   * @return the custodians' names
   */
  Set<String> custodians();

  /**
   * Unseals the vault with the given shares just long enough to read the credential of
   * {@code account}. Each share must belong to the custodian it is keyed by; extra shares beyond
   * the threshold are verified too, and any invalid share fails the read. The vault neither keeps nor modifies the arrays:
   * the caller wipes them afterwards.
   *
   * @param account an account of {@link #accounts()}
   * @param sharesByCustodian the custodian's name to their encoded share as the custodian supplied it
   * @return the credential; close it to wipe the secret
   * @throws dev.breakglass.VaultException if the account is unknown, there are fewer than
   *     {@link #threshold()} valid shares, a share is malformed, belongs to another custodian or
   *     another vault, or does not match the vault; the message names the custodian concerned and
   *     never contains share material
   */
  Credential read(String account, Map<String, char[]> sharesByCustodian);
}
