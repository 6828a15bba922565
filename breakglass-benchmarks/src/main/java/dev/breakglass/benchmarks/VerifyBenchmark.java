package dev.breakglass.benchmarks;

import dev.breakglass.core.audit.AuditLogVerifier;
import dev.breakglass.core.audit.AuditSigningKey;
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
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Whole-log verification speed, in events per second: one invocation verifies a log of
 * 1,000,000 events (frames, CRCs, sequence, time, every leaf, every checkpoint signature). Runs in a
 * 64 MB heap to show verification memory does not grow with the log; {@link VerifyMemoryCheck}
 * measures it directly.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@OperationsPerInvocation(VerifyBenchmark.EVENTS)
@Warmup(iterations = 1, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xmx64m"})
public class VerifyBenchmark {
  static final int EVENTS = 1_000_000;

  /** {@code true} also decodes every record and checks its canonical form. */
  @Param({"false", "true"})
  public boolean decodeRecords;

  private Path dir;
  private AuditLogVerifier verifier;

  @Setup
  public void writeLog() throws IOException {
    dir = Files.createTempDirectory("bg-verify-");
    AuditSigningKey key = AuditSigningKey.generate();
    VerifyMemoryCheck.writeLog(dir, key, EVENTS);
    verifier = AuditLogVerifier.builder(key.publicKey()).decodeRecords(decodeRecords).build();
  }

  @TearDown
  public void deleteLog() throws IOException {
    VerifyMemoryCheck.delete(dir);
  }

  @Benchmark
  public AuditLogVerifier.VerificationResult verifyWholeLog() {
    AuditLogVerifier.VerificationResult r = verifier.verify(dir);
    if (!r.valid() || r.records() != EVENTS) {
      throw new IllegalStateException("verification failed: " + r);
    }
    return r;
  }
}
