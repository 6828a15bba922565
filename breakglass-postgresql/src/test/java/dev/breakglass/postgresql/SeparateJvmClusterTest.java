package dev.breakglass.postgresql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakglass.AuditEventType;
import dev.breakglass.BreakGlass;
import dev.breakglass.core.audit.AuditEventCodec;
import dev.breakglass.core.audit.AuditSigningKey;
import dev.breakglass.spi.CredentialRotator;
import dev.breakglass.spi.CredentialVault;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Application instances in separate JVMs on one database: three share a grant (a request on one,
 * its approval on another, active on the third), an incident (declared on one, followed by the
 * others without a sweep), and race 64 threads in all for one credential (exactly one gets it, one
 * release in the trail); and a lease holder killed inside a rotation is replaced, and the rotation
 * completed once.
 */
class SeparateJvmClusterTest {
  @TempDir Path dir;

  /** One child JVM and its command line. */
  private static final class Child implements AutoCloseable {
    final Process process;
    final BufferedReader out;
    final Writer in;

    Child(Path dir, TestDatabase db, Path keyFile, String name) throws Exception {
      process = new ProcessBuilder(javaBin(), "-Xmx128m", "-XX:+UseSerialGC", "-cp",
          System.getProperty("java.class.path"), ClusterInstance.class.getName(), db.url, db.user,
          db.passwordFile.toString(), keyFile.toString(), dir.resolve(name).toString(), name)
          .redirectError(dir.resolve(name + ".err").toFile()).start();
      out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    }

    void send(String command) throws Exception {
      in.write(command + "\n");
      in.flush();
    }

    String ask(String command) throws Exception {
      send(command);
      String answer = out.readLine();
      assertThat(answer).as("answer to %s", command).isNotNull().doesNotStartWith("ERR");
      return answer;
    }

    @Override
    public void close() throws Exception {
      try {
        send("QUIT");
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isZero();
      } finally {
        process.destroyForcibly();
      }
    }
  }

  @Test
  void threeInstancesInThreeJvmsShareGrantsIncidentAndOneRelease() throws Exception {
    TestDatabase db = TestDatabase.create(EmbeddedPostgresServer.shared(), "jvm3");
    Path keyFile = dir.resolve("audit-signing.key");
    AuditSigningKey.generate().writeNew(keyFile);
    try (Child a = new Child(dir, db, keyFile, "jvm-a"); Child b = new Child(dir, db, keyFile, "jvm-b");
        Child c = new Child(dir, db, keyFile, "jvm-c")) {
      for (Child child : List.of(a, b, c)) {
        assertThat(child.out.readLine()).as("started (see jvm-*.err)").isEqualTo("READY");
      }
      // A request made on B is approved on A and is active for C.
      String grantId = b.ask("REQUEST").substring("GRANT ".length());
      assertThat(a.ask("APPROVE " + grantId)).isEqualTo("STATUS ACTIVE");
      assertThat(c.ask("STATUS " + grantId)).isEqualTo("STATUS ACTIVE");

      // An incident declared on A opens the emergency on B and C without any sweep (LISTEN/NOTIFY).
      long declared = System.nanoTime();
      assertThat(a.ask("DECLARE")).startsWith("INCIDENT inc-");
      for (Child other : List.of(b, c)) {
        boolean open = false;
        for (int i = 0; i < 3000 && !open; i++) {
          open = other.ask("EMERGENCY").equals("EMERGENCY true");
          if (!open) {
            LockSupport.parkNanos(10_000_000L);
          }
        }
        assertThat(open).as("the other JVM followed the incident").isTrue();
      }
      System.out.printf("incident propagation to two other JVMs: %.1f ms%n", (System.nanoTime() - declared) / 1e6);

      // 64 threads over the three JVMs race for the one credential.
      int[] threads = {22, 21, 21};
      List<Child> children = List.of(a, b, c);
      for (int i = 0; i < 3; i++) {
        children.get(i).send("RACE " + grantId + " " + threads[i]);
      }
      List<String> secrets = new ArrayList<>();
      List<String> refusals = new ArrayList<>();
      for (Child child : children) {
        String line;
        while ((line = child.out.readLine()) != null && !line.equals("DONE")) {
          assertThat(line).doesNotStartWith("ERR");
          if (line.startsWith("SECRET ")) {
            secrets.add(line.substring(7));
          } else if (line.startsWith("REFUSED ")) {
            refusals.add(line.substring(8));
          }
        }
        assertThat(line).isEqualTo("DONE");
      }
      assertThat(secrets).as("one credential among 64 threads in 3 JVMs").containsExactly("s3cret");
      assertThat(refusals).hasSize(63);
    }
    assertThat(PostgresAuditLog.readAll(db.dataSource()))
        .filteredOn(d -> d.event().type() == AuditEventType.CREDENTIAL_RELEASED)
        .as("the shared trail shows exactly one release").hasSize(1);
  }

  @Test
  void whenTheLeaseHolderIsKilledInTheMiddleOfARotationAnotherInstanceCompletesItOnce() throws Exception {
    TestDatabase db = TestDatabase.create(EmbeddedPostgresServer.shared(), "takeover");
    Path keyFile = dir.resolve("audit-signing.key");
    AuditSigningKey.generate().writeNew(keyFile);
    long killedAt = 0;
    Process leader = new ProcessBuilder(javaBin(), "-Xmx128m", "-XX:+UseSerialGC", "-cp",
        System.getProperty("java.class.path"), RotatingLeader.class.getName(), db.url, db.user,
        db.passwordFile.toString(), keyFile.toString(), dir.resolve("leader").toString(), "leader")
        .redirectError(dir.resolve("leader.err").toFile()).start();
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(leader.getInputStream(), StandardCharsets.UTF_8));
      String line;
      while ((line = out.readLine()) != null && !line.equals("ROTATING")) {
        assertThat(line).as("leader (see leader.err)").doesNotStartWith("ERR");
      }
      assertThat(line).as("the leader started rotating (see leader.err)").isEqualTo("ROTATING");
      leader.destroyForcibly();
      assertThat(leader.waitFor(30, TimeUnit.SECONDS)).isTrue();
      killedAt = System.nanoTime();
    } finally {
      leader.destroyForcibly();
    }

    AtomicInteger rotations = new AtomicInteger();
    CredentialRotator counting = new CredentialRotator() {
      @Override
      public String name() {
        return "counting";
      }

      @Override
      public boolean supports(String account) {
        return true;
      }

      @Override
      public void rotate(String account, CredentialVault vault) {
        rotations.incrementAndGet();
        vault.write(account, "rotated".toCharArray());
      }
    };
    try (BreakGlass survivor = ClusterInstance.builder(db.url, db.user, db.passwordFile.toString(),
        keyFile.toString(), dir.resolve("survivor"), "survivor").rotator(counting).build()) {
      // The survivor sweeps as its background work would, until the dead holder's lease has expired.
      for (int sweep = 0; sweep < 300 && rotations.get() == 0; sweep++) {
        survivor.sweep();
        if (rotations.get() == 0) {
          LockSupport.parkNanos(100_000_000L);
        }
      }
      survivor.sweep();
      survivor.sweep();
      assertThat(rotations).as("the survivor completed the rotation, once").hasValue(1);
      System.out.printf("lease takeover after SIGKILL of the holder (ttl 2 s, sweep every 100 ms): %.0f ms%n",
          (System.nanoTime() - killedAt) / 1e6);
    }
    List<AuditEventCodec.Decoded> trail = PostgresAuditLog.readAll(db.dataSource());
    assertThat(trail).filteredOn(d -> d.event().type() == AuditEventType.CREDENTIAL_ROTATED)
        .extracting(AuditEventCodec.Decoded::instance).containsExactly("survivor");
  }

  private static String javaBin() {
    return Path.of(System.getProperty("java.home"), "bin", "java" + (File.separatorChar == '\\' ? ".exe" : ""))
        .toString();
  }
}
