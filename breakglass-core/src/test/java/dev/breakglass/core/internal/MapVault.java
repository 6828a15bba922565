package dev.breakglass.core.internal;

import dev.breakglass.Credential;
import dev.breakglass.VaultException;
import dev.breakglass.spi.CredentialVault;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** A vault in memory, for engine tests that are not about vaults. */
final class MapVault implements CredentialVault {
  private final ConcurrentHashMap<String, char[]> secrets = new ConcurrentHashMap<>();

  @Override
  public Set<String> accounts() {
    return Set.copyOf(secrets.keySet());
  }

  @Override
  public Credential read(String account) {
    char[] s = secrets.get(account);
    if (s == null) {
      throw new VaultException("no credential for '" + account + "'");
    }
    return Credential.copyOf(account, s);
  }

  @Override
  public void write(String account, char[] secret) {
    char[] old = secrets.put(account, secret.clone());
    if (old != null) {
      Arrays.fill(old, '\0');
    }
  }

  String peek(String account) {
    return new String(secrets.get(account));
  }
}
