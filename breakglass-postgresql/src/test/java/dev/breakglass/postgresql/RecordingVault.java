package dev.breakglass.postgresql;

import dev.breakglass.Credential;
import dev.breakglass.VaultException;
import dev.breakglass.spi.CredentialVault;
import dev.breakglass.tck.fixtures.InMemoryCredentialVault;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real in-memory vault whose next writes can be made to fail, as a full disk or a broken vault
 * server would. It remembers every secret it was asked to store, so tests can look for leaks.
 */
final class RecordingVault implements CredentialVault {
  private final InMemoryCredentialVault delegate;
  private final AtomicInteger failuresLeft = new AtomicInteger();
  final List<char[]> attempted = new CopyOnWriteArrayList<>();

  RecordingVault(String account, char[] secret) {
    this.delegate = InMemoryCredentialVault.of(Map.of(account, secret));
  }

  /** Makes the next {@code n} writes fail ({@link Integer#MAX_VALUE} for all). */
  RecordingVault failingWrites(int n) {
    failuresLeft.set(n);
    return this;
  }

  long successfulWrites() {
    return delegate.writeCount();
  }

  char[] secret(String account) {
    try (Credential credential = delegate.read(account)) {
      return credential.secret().clone();
    }
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
    if (failuresLeft.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0) {
      throw new VaultException("vault storage is full (account '" + account + "')");
    }
    delegate.write(account, secret);
  }

  @Override
  public void close() {
    delegate.close();
  }
}
