package dev.breakglass.postgresql;

import dev.breakglass.AccessRequest;
import dev.breakglass.AccountPolicy;
import dev.breakglass.Approval;
import dev.breakglass.BreakGlass;
import dev.breakglass.BreakGlassException;
import dev.breakglass.BreakGlassPolicy;
import dev.breakglass.Credential;
import dev.breakglass.core.BreakGlassEngine;
import dev.breakglass.tck.fixtures.InMemoryCredentialVault;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * One application instance in its own JVM, for {@link SeparateJvmClusterTest}: an engine on the shared
 * database (state, audit trail and worker lease in PostgreSQL), driven by one command per line on
 * stdin ({@code REQUEST}, {@code APPROVE id}, {@code STATUS id}, {@code DECLARE}, {@code EMERGENCY},
 * {@code RACE id threads}, {@code QUIT}), each answered on stdout. It prints {@code READY} first.
 *
 * <p>Arguments: URL, user, password file, signing key file, data directory, instance name.
 */
public final class ClusterInstance {
  private ClusterInstance() {}

  static BreakGlassPolicy policy() {
    return BreakGlassPolicy.builder().account(AccountPolicy.builder("db-root").requesters("alice")
        .custodians("carol").approvals(1).emergencyRequired(false).build()).incidentDeclarers("carol").build();
  }

  static BreakGlass engine(String url, String user, String passwordFile, String keyFile, Path data, String name) {
    return builder(url, user, passwordFile, keyFile, data, name).build();
  }

  /** The engine's builder with state, trail and worker lease ({@code ttl} 2 s) in the database. */
  static BreakGlassEngine.Builder builder(String url, String user, String passwordFile, String keyFile, Path data,
      String name) {
    return BreakGlassEngine.builder().policy(policy()).dataDirectory(data)
        .vault(InMemoryCredentialVault.of(Map.of("db-root", "s3cret".toCharArray())))
        .fingerprintKey(new byte[32]).background(false)
        .property("grant-store", "postgresql")
        .property("grant-store.postgresql.url", url)
        .property("grant-store.postgresql.user", user)
        .property("grant-store.postgresql.password-file", passwordFile)
        .property("grant-store.postgresql.pool-size", "24")
        .property("audit", "postgresql")
        .property("audit.postgresql.url", url)
        .property("audit.postgresql.user", user)
        .property("audit.postgresql.password-file", passwordFile)
        .property("audit.postgresql.signing-key-file", keyFile)
        .property("audit.postgresql.instance-id", name)
        .property("lease", "postgresql")
        .property("lease.postgresql.url", url)
        .property("lease.postgresql.user", user)
        .property("lease.postgresql.password-file", passwordFile)
        .property("lease.postgresql.instance-id", name)
        .property("lease.postgresql.ttl", "2s");
  }

  public static void main(String[] args) throws Exception {
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    try (BreakGlass engine = engine(args[0], args[1], args[2], args[3], Path.of(args[4]), args[5])) {
      out.println("READY");
      BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      for (String line = in.readLine(); line != null && !line.equals("QUIT"); line = in.readLine()) {
        String[] cmd = line.split(" ");
        try {
          switch (cmd[0]) {
            case "REQUEST" -> out.println("GRANT " + engine.requestAccess(AccessRequest.builder().requester("alice")
                .account("db-root").reason("primary IdP outage").duration(Duration.ofMinutes(10)).build()).id());
            case "APPROVE" -> out.println("STATUS "
                + engine.approve(Approval.of(engine.grant(cmd[1]).orElseThrow(), "carol")).status());
            case "STATUS" -> out.println("STATUS " + engine.grant(cmd[1]).map(g -> g.status().name()).orElse("NONE"));
            case "DECLARE" -> out.println("INCIDENT " + engine.declareIncident("carol", "IdP outage").id());
            case "EMERGENCY" -> out.println("EMERGENCY " + engine.emergencyState().isEmergency());
            case "RACE" -> race(engine, cmd[1], Integer.parseInt(cmd[2]), out);
            default -> out.println("ERR unknown command " + cmd[0]);
          }
        } catch (BreakGlassException e) {
          out.println("REFUSED " + e.code());
        }
      }
    }
  }

  /** Releases the grant's credential from {@code threads} threads at once; one line per thread, then DONE. */
  private static void race(BreakGlass engine, String grantId, int threads, PrintStream out) throws InterruptedException {
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> workers = new ArrayList<>();
    for (int i = 0; i < threads; i++) {
      Thread t = new Thread(() -> {
        try {
          start.await();
          try (Credential c = engine.grant(grantId).orElseThrow().releaseCredential()) {
            out.println("SECRET " + new String(c.secret()));
          }
        } catch (BreakGlassException e) {
          out.println("REFUSED " + e.code());
        } catch (Exception e) {
          out.println("ERR " + e);
        }
      });
      t.start();
      workers.add(t);
    }
    start.countDown();
    for (Thread t : workers) {
      t.join();
    }
    out.println("DONE");
  }
}
