package dev.breakglass.core.audit;

import dev.breakglass.AuditEvent;
import dev.breakglass.AuditEventType;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * Child process for {@link CrashTest}: appends from many threads until killed and prints
 * {@code ACK <seq> <id>} for every append that returned, only after it returned.
 *
 * <p>Arguments: log directory, signing key file, thread count.
 */
public final class CrashAppender {
  private CrashAppender() {}

  public static void main(String[] args) throws InterruptedException {
    Path dir = Path.of(args[0]);
    AuditSigningKey key = AuditSigningKey.load(Path.of(args[1]));
    int threads = Integer.parseInt(args[2]);
    PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true);
    TamperEvidentAuditLog log = TamperEvidentAuditLog.builder(dir).signingKey(key).checkpointEveryRecords(16)
        .checkpointInterval(Duration.ofMillis(20)).maxSegmentBytes(32 * 1024).build();
    out.println("READY " + log.size());
    Thread[] ts = new Thread[threads];
    for (int t = 0; t < threads; t++) {
      int id = t;
      ts[t] = new Thread(() -> {
        for (int i = 0; ; i++) {
          String marker = ProcessHandle.current().pid() + "-" + id + "-" + i;
          AuditEvent e = new AuditEvent(Instant.now(), AuditEventType.GRANT_ISSUED, "crash-test", "g-" + marker,
              "db-root", Map.of("id", marker));
          long seq = log.appendAndGetIndex(e);
          out.println("ACK " + seq + " " + marker);
        }
      });
      ts[t].start();
    }
    for (Thread t : ts) {
      t.join();
    }
  }
}
