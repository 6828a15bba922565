package dev.breakglass.benchmarks;

import dev.breakglass.core.audit.AuditLogVerifier;
import dev.breakglass.core.audit.AuditPublicKey;
import dev.breakglass.core.audit.AuditSigningKey;
import dev.breakglass.core.audit.Checkpoint;
import dev.breakglass.core.audit.TamperEvidentAuditLog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What opening a log costs now that every checkpoint is checked on open, against whole-log
 * verification of the same 1,000,000-event log in the same run (the same reading, CRCs, leaves and
 * signatures, without lock, writer thread and witnesses), and the price of one checkpoint signature
 * check, which open pays once per checkpoint (one per 1,024 records by default).
 */
@State(Scope.Benchmark)
@Warmup(iterations = 1, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class OpenBenchmark {
  static final int EVENTS = 1_000_000;

  private Path dir;
  private AuditSigningKey key;
  private AuditLogVerifier verifier;
  private Checkpoint checkpoint;
  private AuditPublicKey publicKey;

  @Setup
  public void writeLog() throws IOException {
    dir = Files.createTempDirectory("bg-open-");
    key = AuditSigningKey.generate();
    publicKey = key.publicKey();
    VerifyMemoryCheck.writeLog(dir, key, EVENTS);
    verifier = AuditLogVerifier.of(publicKey);
    AuditLogVerifier.VerificationResult r = verifier.verify(dir);
    checkpoint = r.lastCheckpoint();
    System.out.printf("%nlog of %,d events with %,d checkpoints%n", r.records(), r.checkpoints());
  }

  @TearDown
  public void deleteLog() throws IOException {
    VerifyMemoryCheck.delete(dir);
  }

  /** Opens the log (every check on open) and closes it again; nothing new is written. */
  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  public long openAndClose() {
    try (TamperEvidentAuditLog log = TamperEvidentAuditLog.builder(dir).signingKey(key).fsync(false)
        .backgroundCheckpoints(false).build()) {
      if (log.size() != EVENTS) {
        throw new IllegalStateException("opened " + log.size() + " records");
      }
      return log.size();
    }
  }

  /** The baseline: verification of the same log. */
  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  public AuditLogVerifier.VerificationResult verifyWholeLog() {
    AuditLogVerifier.VerificationResult r = verifier.verify(dir);
    if (!r.valid() || r.records() != EVENTS) {
      throw new IllegalStateException("verification failed: " + r);
    }
    return r;
  }

  /** One Ed25519 checkpoint signature check, as open does for each checkpoint. */
  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public boolean verifyOneCheckpointSignature() {
    return checkpoint.verifySignature(publicKey);
  }
}
