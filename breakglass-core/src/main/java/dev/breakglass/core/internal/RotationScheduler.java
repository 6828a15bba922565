package dev.breakglass.core.internal;

import dev.breakglass.AuditEvent;
import dev.breakglass.AuditEventType;
import dev.breakglass.AuditUnavailableException;
import dev.breakglass.core.retry.Backoff;
import dev.breakglass.spi.AccountState;
import dev.breakglass.spi.CredentialRotator;
import dev.breakglass.spi.CredentialVault;
import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rotates the credentials of tainted accounts: right after a grant ends (on the rotation thread,
 * when the engine runs one) and again from every sweep while an account stays tainted, with
 * exponential backoff between failed attempts. The attempts and the time of the next one are kept
 * with the account in the grant store ({@link AccountLedger#rotationFailed}), so a restart keeps the
 * schedule: a failing target is not hammered after every restart, and a due retry is not forgotten. Each attempt is audited before and after; a failure
 * leaves the account tainted and raises a critical alert. One rotation per account at a time.
 * Thread-safe.
 */
final class RotationScheduler implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RotationScheduler.class);

  private final AccountLedger accounts;
  private final CredentialVault vault;
  private final List<CredentialRotator> rotators;
  private final Recorder recorder;
  private final Clock clock;
  private final Backoff backoff;
  private final @Nullable ExecutorService executor;
  private final ConcurrentHashMap<String, ReentrantLock> rotating = new ConcurrentHashMap<>();
  private volatile boolean closed;

  /** @param executor where rotations after a grant's end run; {@code null} leaves them to the sweep */
  RotationScheduler(AccountLedger accounts, CredentialVault vault, List<CredentialRotator> rotators,
      Recorder recorder, Clock clock, Backoff backoff, @Nullable ExecutorService executor) {
    this.accounts = accounts;
    this.vault = vault;
    this.rotators = List.copyOf(rotators);
    this.recorder = recorder;
    this.clock = clock;
    this.backoff = backoff;
    this.executor = executor;
  }

  /** The first rotator that supports {@code account}. */
  Optional<CredentialRotator> rotatorFor(String account) {
    return rotators.stream().filter(r -> r.supports(account)).findFirst();
  }

  /** Rotates {@code account} soon on the rotation thread (no-op without one; the sweep catches up). */
  void schedule(String account) {
    if (executor != null && !closed) {
      executor.execute(() -> {
        try {
          rotate(account);
        } catch (RuntimeException e) {
          LOG.error("rotation of {} failed: {}", account, e.toString());
        }
      });
    }
  }

  /** Rotates every account among {@code names} that is tainted, free, and not waiting for its backoff. */
  void rotateDue(Collection<String> names) {
    Instant now = clock.instant();
    for (String account : names) {
      if (accounts.state(account).rotationDue(now)) {
        rotate(account);
      }
    }
  }

  /**
   * Rotates a tainted account's credential. Audited before and after; on failure the account stays
   * tainted, a critical alert goes out, and the next attempt waits with exponential backoff.
   */
  void rotate(String account) {
    ReentrantLock lock = lockOf(account);
    if (!lock.tryLock()) {
      return;
    }
    try {
      rotateLocked(account);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Rotates a tainted account now and waits for it: if another rotation of the account is running,
   * waits for that one instead of skipping (a drill must know its outcome).
   *
   * @return whether the account is clean (rotated) afterwards
   */
  boolean rotateNow(String account) {
    ReentrantLock lock = lockOf(account);
    lock.lock();
    try {
      rotateLocked(account);
      return !accounts.state(account).tainted();
    } finally {
      lock.unlock();
    }
  }

  private ReentrantLock lockOf(String account) {
    return rotating.computeIfAbsent(account, k -> new ReentrantLock());
  }

  private void rotateLocked(String account) {
    try {
      AccountState state = accounts.state(account);
      if (!state.tainted()) {
        return;
      }
      Optional<CredentialRotator> rotator = rotatorFor(account);
      if (rotator.isEmpty()) {
        failed(account, state, "no configured rotator supports this account");
        return;
      }
      recorder.record(AuditEventType.ROTATION_STARTED, AuditEvent.SYSTEM, state.taintedBy(), account,
          Map.of("rotator", rotator.get().name()), "rotating the credential of " + account);
      try {
        rotator.get().rotate(account, vault);
      } catch (RuntimeException e) {
        failed(account, state, rotator.get().name() + " failed: " + e.getClass().getSimpleName() + ": "
            + e.getMessage());
        return;
      }
      recorder.record(AuditEventType.CREDENTIAL_ROTATED, AuditEvent.SYSTEM, state.taintedBy(), account,
          Map.of("rotator", rotator.get().name()), "credential of " + account + " rotated; account clean again");
      accounts.rotated(account);
    } catch (AuditUnavailableException e) {
      LOG.error("rotation of {} not audited, account stays tainted: {}", account, e.getMessage());
      backOff(account);
    }
  }

  private void failed(String account, AccountState state, String why) {
    AccountState retry = backOff(account);
    recorder.recordRefusal(AuditEventType.ROTATION_FAILED, AuditEvent.SYSTEM, state.taintedBy(), account,
        Map.of("error", why, "attempt", Integer.toString(retry.rotationAttempts()),
            "nextAttempt", String.valueOf(retry.nextRotationAt())),
        "credential rotation of " + account + " FAILED; account stays tainted: " + why);
  }

  private AccountState backOff(String account) {
    Instant now = clock.instant();
    return accounts.rotationFailed(account, attempts -> now.plus(backoff.delayAfter(attempts)));
  }

  /** Stops taking rotations and waits (up to 5 s) for the one running. */
  @Override
  public void close() {
    closed = true;
    if (executor != null) {
      executor.shutdown();
      try {
        executor.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
