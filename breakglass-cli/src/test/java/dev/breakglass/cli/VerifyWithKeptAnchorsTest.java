package dev.breakglass.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakglass.AuditEvent;
import dev.breakglass.AuditEventType;
import dev.breakglass.core.audit.AuditSigningKey;
import dev.breakglass.core.audit.DirectoryCheckpointWitness;
import dev.breakglass.core.audit.EmbeddedAuditLog;
import dev.breakglass.core.audit.TamperEvidentAuditLog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code verify} with the public key and a checkpoint kept outside the data directory (a copy of
 * {@code audit.pub}, the engine's witness directory): the only anchors that hold against whoever can
 * write the data directory.
 */
class VerifyWithKeptAnchorsTest {
  @TempDir Path tmp;
  Path data;
  Path witness;
  Path keptKey;
  final CliRunner cli = new CliRunner();

  @BeforeEach
  void engineLogWithAWitnessAndAKeptKey() throws IOException {
    data = tmp.resolve("data");
    witness = Files.createDirectories(tmp.resolve("witness"));
    session(data, witness, "INC-1");
    keptKey = Files.createDirectories(tmp.resolve("kept")).resolve("audit.pub");
    Files.copy(data.resolve("audit.pub"), keptKey);
  }

  /** One run of the engine's log layout: key, audit.pub and log in {@code dataDirectory}. */
  static void session(Path dataDirectory, Path witnessDirectory, String ticket) {
    try (TamperEvidentAuditLog log = EmbeddedAuditLog.open(dataDirectory, Clock.systemUTC(),
        List.of(new DirectoryCheckpointWitness(witnessDirectory)))) {
      for (int i = 0; i < 5; i++) {
        log.append(new AuditEvent(Instant.now(), AuditEventType.ACCESS_REQUESTED, "alice", "g-" + ticket + "-" + i,
            "prod-db-admin", Map.of("ticket", ticket)));
        log.checkpoint();
      }
    }
  }

  int verify(Path logDir, Path key, String... more) {
    String[] args = Stream.concat(Stream.of("verify", logDir.toString(), "--public-key", key.toString()),
        Stream.of(more)).toArray(String[]::new);
    return cli.run(args);
  }

  static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> s = Files.walk(from)) {
      for (Path p : s.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target, StandardCopyOption.COPY_ATTRIBUTES, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
  }

  static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  @Test
  void verifiesWithThePublicKeyAndTheWitnessDirectoryKeptOutside() {
    assertThat(verify(data.resolve("audit"), keptKey, "--checkpoint", witness.toString(), "--sealed"))
        .isEqualTo(BreakGlassCli.OK);
    assertThat(cli.out).startsWith("OK  ").contains("The kept checkpoint (", ", log ", "is a prefix of this log");
    assertThat(cli.err).isEmpty();
  }

  @Test
  void aCheckpointFileFromTheWitnessWorksAsWell() {
    assertThat(verify(data.resolve("audit"), keptKey, "--checkpoint",
        witness.resolve(DirectoryCheckpointWitness.FILE).toString())).isEqualTo(BreakGlassCli.OK);
  }

  @Test
  void warnsWhenThePublicKeyLiesInsideTheDataDirectory() {
    assertThat(verify(data.resolve("audit"), data.resolve("audit.pub"))).isEqualTo(BreakGlassCli.OK);
    assertThat(cli.err).contains("warning: the public key", "lies inside the data directory",
        "whoever can rewrite the log can replace it too");
  }

  @Test
  void aWholeDataDirectoryRolledBackToAnOlderCopyFailsAgainstTheWitness() throws IOException {
    Path backup = tmp.resolve("backup");
    copyTree(data, backup);
    session(data, witness, "INC-2");
    assertThat(verify(backup.resolve("audit"), keptKey)).as("on its own the old copy is a valid log")
        .isEqualTo(BreakGlassCli.OK);
    assertThat(verify(backup.resolve("audit"), keptKey, "--checkpoint", witness.toString()))
        .isEqualTo(BreakGlassCli.FAILED);
    assertThat(cli.out).contains("FAILED", "records were removed");
  }

  @Test
  void aForgedLogWithItsOwnAuditPubPassesOnlyAgainstThatAuditPub() throws IOException {
    // Whoever can write the data directory writes a history of their own, with a key and audit.pub of their own.
    deleteTree(data);
    Path attackerData = tmp.resolve("attacker");
    session(attackerData, Files.createDirectories(tmp.resolve("attacker-witness")), "FORGED");
    copyTree(attackerData, data);
    assertThat(verify(data.resolve("audit"), data.resolve("audit.pub"))).as("the data directory vouches for itself")
        .isEqualTo(BreakGlassCli.OK);
    assertThat(cli.err).contains("lies inside the data directory");
    assertThat(verify(data.resolve("audit"), keptKey)).isEqualTo(BreakGlassCli.FAILED);
    assertThat(cli.out).contains("untrusted key");
  }

  @Test
  void aCheckpointOfAnotherLogSignedWithTheSameKeyFails() throws IOException {
    Path other = tmp.resolve("other");
    Files.createDirectories(other.resolve("keys"));
    Files.copy(data.resolve(EmbeddedAuditLog.SIGNING_KEY_FILE), other.resolve(EmbeddedAuditLog.SIGNING_KEY_FILE),
        StandardCopyOption.COPY_ATTRIBUTES);
    Path otherWitness = Files.createDirectories(tmp.resolve("other-witness"));
    session(other, otherWitness, "INC-9");
    assertThat(AuditSigningKey.load(other.resolve(EmbeddedAuditLog.SIGNING_KEY_FILE)).keyId())
        .isEqualTo(AuditSigningKey.load(data.resolve(EmbeddedAuditLog.SIGNING_KEY_FILE)).keyId());
    assertThat(verify(data.resolve("audit"), keptKey, "--checkpoint", otherWitness.toString()))
        .isEqualTo(BreakGlassCli.FAILED);
    assertThat(cli.out).contains("another log");
  }
}
