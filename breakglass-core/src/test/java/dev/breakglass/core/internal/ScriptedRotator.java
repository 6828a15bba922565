package dev.breakglass.core.internal;

import dev.breakglass.BreakGlassException;
import dev.breakglass.ReasonCode;
import dev.breakglass.spi.CredentialRotator;
import dev.breakglass.spi.CredentialVault;
import java.util.concurrent.atomic.AtomicInteger;

/** A rotator whose failures a test scripts; on success it writes a new value into the vault. */
final class ScriptedRotator implements CredentialRotator {
  private final AtomicInteger failuresLeft = new AtomicInteger();
  private final AtomicInteger rotations = new AtomicInteger();

  private final java.util.Set<String> stale = java.util.concurrent.ConcurrentHashMap.newKeySet();

  /** Makes {@link #verify} report the account's current credential as rejected at the target. */
  void stale(String account) {
    stale.add(account);
  }

  void failNext(int times) {
    failuresLeft.set(times);
  }

  int rotations() {
    return rotations.get();
  }

  @Override
  public String name() {
    return "scripted";
  }

  @Override
  public boolean supports(String account) {
    return true;
  }

  private final java.util.List<String> verified = new java.util.concurrent.CopyOnWriteArrayList<>();

  /** The credentials {@link #verify} was asked about, in order (test canaries only). */
  java.util.List<String> verified() {
    return java.util.List.copyOf(verified);
  }

  @Override
  public boolean verify(String account, CredentialVault vault) {
    try (dev.breakglass.Credential c = vault.read(account)) {
      verified.add(new String(c.secret()));
    }
    return !stale.contains(account);
  }

  @Override
  public void rotate(String account, CredentialVault vault) {
    if (failuresLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      throw new BreakGlassException(ReasonCode.ROTATION_FAILED, "target refused the password change");
    }
    stale.remove(account);
    int n = rotations.incrementAndGet();
    vault.write(account, ("rotated-" + n + "-value").toCharArray());
  }
}
