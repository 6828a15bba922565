package dev.breakglass.benchmarks;

import dev.breakglass.AuditEvent;
import dev.breakglass.core.audit.AuditLogVerifier;
import dev.breakglass.core.audit.AuditSigningKey;
import dev.breakglass.core.audit.TamperEvidentAuditLog;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Verification memory as the log grows: writes logs of 125,000 to 1,000,000 events and, for each,
 * reports verification speed and the highest heap use seen while verifying (sampled every
 * millisecond; it includes not-yet-collected garbage, so it is an upper bound of live memory).
 * Flat numbers across sizes mean memory does not depend on log length.
 *
 * <p>Run: {@code java -Xmx64m -cp breakglass-benchmarks/target/benchmarks.jar
 * dev.breakglass.benchmarks.VerifyMemoryCheck}
 */
public final class VerifyMemoryCheck {
  private VerifyMemoryCheck() {}

  public static void main(String[] args) throws Exception {
    AuditSigningKey key = AuditSigningKey.generate();
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    System.out.printf("%-10s %-14s %-20s %-12s%n", "events", "log size MB", "verify events/s", "peak heap MB");
    for (int events : new int[] {125_000, 250_000, 500_000, 1_000_000}) {
      Path dir = Files.createTempDirectory("bg-verify-mem-");
      try {
        writeLog(dir, key, events);
        long bytes;
        try (var files = Files.list(dir)) {
          bytes = files.mapToLong(p -> p.toFile().length()).sum();
        }
        AuditLogVerifier verifier = AuditLogVerifier.of(key.publicKey());
        verifier.verify(dir);
        System.gc();
        AtomicLong peak = new AtomicLong();
        AtomicBoolean done = new AtomicBoolean();
        Thread sampler = new Thread(() -> {
          while (!done.get()) {
            peak.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
            try {
              Thread.sleep(1);
            } catch (InterruptedException e) {
              return;
            }
          }
        });
        sampler.setDaemon(true);
        sampler.start();
        long t0 = System.nanoTime();
        AuditLogVerifier.VerificationResult r = verifier.verify(dir);
        long ns = System.nanoTime() - t0;
        done.set(true);
        sampler.join();
        if (!r.valid() || r.records() != events) {
          throw new IllegalStateException("verification failed: " + r);
        }
        System.out.printf("%-10d %-14.1f %-20.0f %-12.1f%n", events, bytes / 1e6, events / (ns / 1e9),
            peak.get() / 1e6);
      } finally {
        delete(dir);
      }
    }
  }

  /** Writes a log of {@code events} events without fsync (the content is what matters here). */
  static void writeLog(Path dir, AuditSigningKey key, int events) {
    try (TamperEvidentAuditLog log = TamperEvidentAuditLog.builder(dir).signingKey(key).fsync(false)
        .backgroundCheckpoints(false).build()) {
      AuditEvent e = AppendBenchmark.EVENT;
      for (int i = 0; i < events; i++) {
        log.append(new AuditEvent(e.time().plusMillis(i), e.type(), e.actor(), e.grantId(), e.account(),
            Map.of("n", Integer.toString(i), "ticket", "INC-4711")));
      }
    }
  }

  static void delete(Path dir) throws IOException {
    try (var files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
