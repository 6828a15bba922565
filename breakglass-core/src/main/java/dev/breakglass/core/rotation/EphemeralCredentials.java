package dev.breakglass.core.rotation;

import dev.breakglass.BreakGlassException;
import dev.breakglass.Credential;
import dev.breakglass.ReasonCode;
import dev.breakglass.core.vault.Argon2Parameters;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * Credentials that exist for one grant only, for accounts local to the host application. {@link
 * #mint} makes a fresh random secret, hands it to the caller (to release to the grantee once) and
 * keeps nothing but its Argon2id verifier; {@link #verify} checks a presented secret against that
 * verifier in constant time; at the grant's end ({@link #forget}, or its expiry by the injected
 * clock) the verifier is wiped. No long-lived secret for the account exists anywhere, so there is
 * nothing to rotate afterwards.
 *
 * <pre>{@code
 * EphemeralCredentials ephemeral = new EphemeralCredentials(clock);
 * try (Credential credential = ephemeral.mint("local-admin", grant.id(), grant.expiresAt())) {
 *   deliverOnce(credential);                         // the only copy of the secret
 * }
 * boolean ok = ephemeral.verify("local-admin", presented);   // at login
 * ephemeral.forget(grant.id());                               // at revocation or close
 * }</pre>
 *
 * <p>Each account holds at most one live credential: minting for an account that already has one
 * fails with {@link ReasonCode#ACCOUNT_IN_USE}. A credential past its expiry never verifies, even
 * before {@link #purgeExpired()} removes it; a credential forgotten while a {@code verify} of it is
 * running makes that {@code verify} return {@code false}.
 *
 * <p>Thread-safe. Argon2id runs outside any lock, so verifications of different accounts proceed
 * in parallel; each one holds {@link Argon2Parameters#memoryKiB()} of memory while it runs, so
 * callers should rate-limit attempts.
 */
public final class EphemeralCredentials implements AutoCloseable {
  /** Salt length in bytes; a fresh salt is drawn for every credential. */
  private static final int SALT_BYTES = 16;
  /** Verifier length in bytes. */
  private static final int HASH_BYTES = 32;

  private final Clock clock;
  private final Argon2Parameters parameters;
  private final SecretGenerator generator;
  private final SecureRandom random = new SecureRandom();
  private final Map<String, Verifier> verifiers = new ConcurrentHashMap<>();

  /** OWASP-minimum Argon2id parameters and 32 alphanumeric characters per credential. */
  public EphemeralCredentials(Clock clock) {
    this(clock, Argon2Parameters.recommended(), SecretGenerator.defaults());
  }

  public EphemeralCredentials(Clock clock, Argon2Parameters parameters, SecretGenerator generator) {
    this.clock = Objects.requireNonNull(clock, "clock");
    this.parameters = Objects.requireNonNull(parameters, "parameters");
    this.generator = Objects.requireNonNull(generator, "generator");
  }

  /**
   * Makes a fresh credential for {@code account} that verifies until {@code expiresAt} or until
   * {@link #forget(String) forget(grantId)}. The caller owns the returned credential, releases it
   * once and closes it; this object keeps only the verifier.
   *
   * @throws IllegalArgumentException if {@code expiresAt} is not in the future or a name is blank
   * @throws BreakGlassException with {@link ReasonCode#ACCOUNT_IN_USE} if the account already has a
   *     live credential
   */
  public Credential mint(String account, String grantId, Instant expiresAt) {
    requireName(account, "account");
    requireName(grantId, "grantId");
    Objects.requireNonNull(expiresAt, "expiresAt");
    Instant now = clock.instant();
    if (!expiresAt.isAfter(now)) {
      throw new IllegalArgumentException("grant '" + grantId + "' expiry " + expiresAt
          + " is not after the current time " + now);
    }
    Verifier held = verifiers.get(account);
    if (held != null && held.isLive(now)) {
      throw inUse(account, held);
    }
    char[] secret = generator.generate();
    byte[] salt = new byte[SALT_BYTES];
    random.nextBytes(salt);
    Verifier fresh;
    try {
      fresh = new Verifier(grantId, expiresAt, salt, hash(secret, salt));
    } catch (RuntimeException e) {
      Arrays.fill(secret, '\0');
      throw e;
    }
    Verifier[] conflict = new Verifier[1];
    verifiers.compute(account, (key, current) -> {
      if (current != null && current.isLive(clock.instant())) {
        conflict[0] = current;
        return current;
      }
      if (current != null) {
        current.wipe();
      }
      return fresh;
    });
    if (conflict[0] != null) {
      fresh.wipe();
      Arrays.fill(secret, '\0');
      throw inUse(account, conflict[0]);
    }
    return Credential.wrap(account, secret);
  }

  /**
   * Whether {@code presented} is the live credential of {@code account}. Compares verifiers in
   * constant time. Does not modify or keep {@code presented}; the caller wipes it.
   *
   * @return {@code false} for an unknown account, an expired or forgotten credential, or a wrong
   *     secret
   */
  public boolean verify(String account, char[] presented) {
    Objects.requireNonNull(account, "account");
    Objects.requireNonNull(presented, "presented");
    Verifier verifier = verifiers.get(account);
    if (verifier == null) {
      return false;
    }
    if (!verifier.isLive(clock.instant())) {
      discard(account, verifier);
      return false;
    }
    byte[] candidate = hash(presented, verifier.salt);
    try {
      boolean matches = org.bouncycastle.util.Arrays.constantTimeAreEqual(candidate, verifier.hash);
      // Checked after hashing so that a forget() or an expiry during the hash wins.
      return matches && verifier.isLive(clock.instant());
    } finally {
      Arrays.fill(candidate, (byte) 0);
    }
  }

  /**
   * Wipes the credential minted for {@code grantId}, if any: it stops verifying at once.
   *
   * @return whether a live or expired credential of that grant was held
   */
  public boolean forget(String grantId) {
    Objects.requireNonNull(grantId, "grantId");
    boolean found = false;
    for (Map.Entry<String, Verifier> entry : verifiers.entrySet()) {
      if (entry.getValue().grantId.equals(grantId)) {
        found |= discard(entry.getKey(), entry.getValue());
      }
    }
    return found;
  }

  /**
   * Wipes every credential whose grant has expired. Expired credentials never verify anyway; call
   * this periodically to release their memory.
   *
   * @return how many were wiped
   */
  public int purgeExpired() {
    Instant now = clock.instant();
    int purged = 0;
    for (Map.Entry<String, Verifier> entry : verifiers.entrySet()) {
      if (!entry.getValue().isLive(now) && discard(entry.getKey(), entry.getValue())) {
        purged++;
      }
    }
    return purged;
  }

  /** Whether {@code account} has a live (minted, not expired, not forgotten) credential. */
  public boolean holds(String account) {
    Verifier verifier = verifiers.get(account);
    return verifier != null && verifier.isLive(clock.instant());
  }

  /** The grant that holds {@code account}'s live credential, if any. */
  public Optional<String> holder(String account) {
    Verifier verifier = verifiers.get(account);
    return verifier != null && verifier.isLive(clock.instant()) ? Optional.of(verifier.grantId) : Optional.empty();
  }

  /** The parameters verifiers are made with. */
  public Argon2Parameters parameters() {
    return parameters;
  }

  /** Wipes every verifier. Later calls still work: nothing verifies until a new {@link #mint}. */
  @Override
  public void close() {
    for (Map.Entry<String, Verifier> entry : verifiers.entrySet()) {
      discard(entry.getKey(), entry.getValue());
    }
  }

  @Override
  public String toString() {
    return "EphemeralCredentials[live=" + verifiers.size() + ", " + parameters + "]";
  }

  /** The verifier bytes held for {@code account}, not a copy; for tests that check wiping. */
  byte @Nullable [] verifierBytes(String account) {
    Verifier verifier = verifiers.get(account);
    return verifier == null ? null : verifier.hash;
  }

  private boolean discard(String account, Verifier verifier) {
    verifier.wipe();
    return verifiers.remove(account, verifier);
  }

  private byte[] hash(char[] secret, byte[] salt) {
    return parameters.derive(secret, salt, HASH_BYTES);
  }

  private static BreakGlassException inUse(String account, Verifier held) {
    return new BreakGlassException(ReasonCode.ACCOUNT_IN_USE, "account '" + account
        + "' already has a live ephemeral credential for grant '" + held.grantId + "' until " + held.expiresAt);
  }

  private static void requireName(String value, String what) {
    Objects.requireNonNull(value, what);
    if (value.isBlank()) {
      throw new IllegalArgumentException(what + " must not be blank");
    }
  }

  /** One grant's verifier. Its arrays are wiped once it is forgotten or expired. */
  private static final class Verifier {
    final String grantId;
    final Instant expiresAt;
    final byte[] salt;
    final byte[] hash;
    volatile boolean wiped;

    Verifier(String grantId, Instant expiresAt, byte[] salt, byte[] hash) {
      this.grantId = grantId;
      this.expiresAt = expiresAt;
      this.salt = salt;
      this.hash = hash;
    }

    boolean isLive(Instant now) {
      return !wiped && now.isBefore(expiresAt);
    }

    void wipe() {
      wiped = true;
      Arrays.fill(hash, (byte) 0);
      Arrays.fill(salt, (byte) 0);
    }
  }
}
