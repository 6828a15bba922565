package dev.breakglass.benchmarks;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.FileAppender;
import dev.breakglass.AuditEvent;
import dev.breakglass.AuditEventType;
import dev.breakglass.core.audit.AuditEventCodec;
import dev.breakglass.core.audit.AuditSigningKey;
import dev.breakglass.core.audit.TamperEvidentAuditLog;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Append throughput (events per second, all threads together) of the tamper-evident audit log,
 * with group-commit fsync ({@code tamper-evident-fsync}) and without ({@code tamper-evident-no-fsync}),
 * against the baseline a Java team would otherwise use: Logback's {@code FileAppender} writing the
 * same canonical JSON events, one per line ({@code logback-file}, immediate flush, no fsync).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g"})
public class AppendBenchmark {
  @Param({"tamper-evident-fsync", "tamper-evident-no-fsync", "logback-file"})
  public String sink;

  private Path dir;
  private TamperEvidentAuditLog log;
  private LoggerContext logback;
  private Logger logger;
  private final AtomicLong logbackSeq = new AtomicLong();

  static final AuditEvent EVENT = new AuditEvent(Instant.parse("2026-03-01T12:00:00Z"), AuditEventType.GRANT_ISSUED,
      "alice@example.com", "grant-7f3a9c", "db-root",
      Map.of("approvers", "bob@example.com,carol@example.com", "ticket", "INC-4711",
          "identification", "hmac-sha256:5d41402abc4b2a76b9719d911017c592", "expires", "2026-03-01T13:00:00Z"));

  @Setup
  public void setUp() throws IOException {
    dir = Files.createTempDirectory("bg-append-");
    switch (sink) {
      case "tamper-evident-fsync", "tamper-evident-no-fsync" -> log = TamperEvidentAuditLog.builder(dir)
          .signingKey(AuditSigningKey.generate())
          .fsync(sink.equals("tamper-evident-fsync"))
          .build();
      case "logback-file" -> {
        logback = new LoggerContext();
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(logback);
        encoder.setPattern("%msg%n");
        encoder.start();
        FileAppender<ILoggingEvent> appender = new FileAppender<>();
        appender.setContext(logback);
        appender.setFile(dir.resolve("audit.jsonl").toString());
        appender.setEncoder(encoder);
        appender.start();
        logger = logback.getLogger("audit");
        logger.setAdditive(false);
        logger.setLevel(Level.INFO);
        logger.addAppender(appender);
      }
      default -> throw new IllegalArgumentException("unknown sink " + sink);
    }
  }

  @TearDown
  public void tearDown() throws IOException {
    if (log != null) {
      log.close();
    }
    if (logback != null) {
      logback.stop();
    }
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  private void append() {
    if (log != null) {
      log.append(EVENT);
    } else {
      logger.info(new String(AuditEventCodec.encode(logbackSeq.getAndIncrement(), EVENT), StandardCharsets.UTF_8));
    }
  }

  @Benchmark
  @Threads(1)
  public void threads1() {
    append();
  }

  @Benchmark
  @Threads(8)
  public void threads8() {
    append();
  }

  @Benchmark
  @Threads(64)
  public void threads64() {
    append();
  }
}
