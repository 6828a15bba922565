package dev.breakglass.postgresql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakglass.AccessRequest;
import dev.breakglass.Approval;
import dev.breakglass.AuditEventType;
import dev.breakglass.BreakGlass;
import dev.breakglass.EmergencyAccessGrant;
import dev.breakglass.GrantStatus;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three application instances in three separate JVMs on one database race 64 threads in all for one
 * grant's credential: exactly one thread anywhere gets it, and the shared trail records exactly one
 * release.
 */
class SeparateJvmClusterTest {
  @TempDir Path dir;

  @Test
  void sixtyFourThreadsInThreeJvmsGetExactlyOneCredential() throws Exception {
    TestDatabase db = TestDatabase.create(EmbeddedPostgresServer.shared(), "jvm3");
    Path keyFile = dir.resolve("audit-signing.key");
    AuditSigningKey.generate().writeNew(keyFile);
    String grantId;
    try (BreakGlass setup = ClusterInstance.engine(db.url, db.user, db.passwordFile.toString(), keyFile.toString(),
        dir.resolve("setup"), "setup")) {
      EmergencyAccessGrant g = setup.requestAccess(AccessRequest.builder().requester("alice").account("db-root")
          .reason("primary IdP outage").duration(Duration.ofMinutes(10)).build());
      setup.approve(Approval.of(g, "carol"));
      assertThat(setup.grant(g.id()).orElseThrow().status()).isEqualTo(GrantStatus.ACTIVE);
      grantId = g.id();
    }

    int[] threads = {22, 21, 21};
    List<Process> children = new ArrayList<>();
    List<BufferedReader> outs = new ArrayList<>();
    try {
      for (int i = 0; i < threads.length; i++) {
        String name = "jvm-" + i;
        Process p = new ProcessBuilder(javaBin(), "-Xmx128m", "-XX:+UseSerialGC", "-cp",
            System.getProperty("java.class.path"), ClusterInstance.class.getName(), db.url, db.user,
            db.passwordFile.toString(), keyFile.toString(), dir.resolve(name).toString(), name, grantId,
            Integer.toString(threads[i]))
            .redirectError(dir.resolve(name + ".err").toFile()).start();
        children.add(p);
        BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        outs.add(r);
      }
      for (int i = 0; i < children.size(); i++) {
        assertThat(outs.get(i).readLine()).as("jvm-%d started (see jvm-%d.err)", i, i).isEqualTo("READY");
      }
      for (Process p : children) {
        Writer w = new OutputStreamWriter(p.getOutputStream(), StandardCharsets.UTF_8);
        w.write("GO\n");
        w.flush();
      }
      List<String> secrets = new ArrayList<>();
      List<String> refusals = new ArrayList<>();
      for (int i = 0; i < children.size(); i++) {
        String line;
        while ((line = outs.get(i).readLine()) != null && !line.equals("DONE")) {
          assertThat(line).as("jvm-%d", i).doesNotStartWith("ERR");
          if (line.startsWith("SECRET ")) {
            secrets.add(line.substring(7));
          } else if (line.startsWith("REFUSED ")) {
            refusals.add(line.substring(8));
          }
        }
        assertThat(line).as("jvm-%d finished", i).isEqualTo("DONE");
      }
      for (Process p : children) {
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
      }
      assertThat(secrets).as("one credential among 64 threads in 3 JVMs").containsExactly("s3cret");
      assertThat(refusals).hasSize(63);
      assertThat(PostgresAuditLog.readAll(db.dataSource()))
          .filteredOn(d -> d.event().type() == AuditEventType.CREDENTIAL_RELEASED)
          .as("the shared trail shows exactly one release").hasSize(1);
    } finally {
      children.forEach(Process::destroyForcibly);
    }
  }

  @Test
  void whenTheLeaseHolderIsKilledInTheMiddleOfARotationAnotherInstanceCompletesItOnce() throws Exception {
    TestDatabase db = TestDatabase.create(EmbeddedPostgresServer.shared(), "takeover");
    Path keyFile = dir.resolve("audit-signing.key");
    AuditSigningKey.generate().writeNew(keyFile);
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
