package dev.breakglass.core.internal;

import dev.breakglass.Credential;
import dev.breakglass.VaultException;
import dev.breakglass.spi.CredentialVault;
import java.util.Arrays;
import java.util.Set;

/**
 * A read-only vault of one credential: the one a drill released. A drill proves that credential at
 * its target through the rotator's {@code verify(account, vault)}, which reads the credential from
 * the vault it is given; handing it this vault makes the proof about the released credential itself,
 * not whatever the real vault holds by then. {@link #close()} wipes the copy. Not thread-safe (one
 * drill step).
 */
final class ProofVault implements CredentialVault {
  private final String account;
  private final char[] secret;

  /** Copies {@code released}'s secret; the caller still closes {@code released}. */
  ProofVault(Credential released) {
    this.account = released.account();
    this.secret = released.secret().clone();
  }

  @Override
  public Set<String> accounts() {
    return Set.of(account);
  }

  @Override
  public Credential read(String name) {
    if (!account.equals(name)) {
      throw new VaultException("the drill's proof holds only the credential of '" + account + "'");
    }
    return Credential.copyOf(account, secret);
  }

  @Override
  public void write(String name, char[] value) {
    throw new VaultException("the drill's proof of '" + account + "' is read-only: a proof never changes a credential");
  }

  @Override
  public void close() {
    Arrays.fill(secret, '\0');
  }

  @Override
  public String toString() {
    return "ProofVault[" + account + ", secret=<redacted>]";
  }
}
