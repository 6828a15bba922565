package dev.breakglass.core.audit;

import static dev.breakglass.core.audit.TestEvents.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The rules for the engine's log in a data directory: key, log and published key belong together. */
class EmbeddedAuditLogTest {
  static final Clock CLOCK = Clock.fixed(Instant.parse("2026-03-01T12:00:00Z"), ZoneOffset.UTC);

  @TempDir Path data;

  Path keyFile() {
    return data.resolve(EmbeddedAuditLog.SIGNING_KEY_FILE);
  }

  Path pub() {
    return data.resolve(EmbeddedAuditLog.PUBLIC_KEY_FILE);
  }

  Path logDir() {
    return data.resolve(EmbeddedAuditLog.DIRECTORY);
  }

  TamperEvidentAuditLog open() {
    return EmbeddedAuditLog.open(data, CLOCK, List.of());
  }

  void createLogWithRecords(int n) {
    try (TamperEvidentAuditLog log = open()) {
      for (int i = 0; i < n; i++) {
        log.append(event(i));
      }
    }
  }

  /** Every file under the data directory with its bytes, to show a refusal changed nothing. */
  Map<String, String> snapshot() throws IOException {
    Map<String, String> files = new TreeMap<>();
    try (Stream<Path> all = Files.walk(data)) {
      for (Path p : (Iterable<Path>) all.filter(Files::isRegularFile)::iterator) {
        files.put(data.relativize(p).toString(), HexFormat.of().formatHex(Files.readAllBytes(p)));
      }
    }
    return files;
  }

  @Test
  void aNewDataDirectoryGetsAnOwnerOnlyKeyAnEmptyLogAndThePublishedKey() throws IOException {
    AuditPublicKey publicKey;
    try (TamperEvidentAuditLog log = open()) {
      assertThat(log.size()).isZero();
      assertThat(log.directory()).isEqualTo(logDir());
      publicKey = log.publicKey();
      log.append(event(1));
    }
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile()))).isEqualTo("rw-------");
    assertThat(AuditSigningKey.load(keyFile()).publicKey()).isEqualTo(publicKey);
    assertThat(Files.readString(pub())).isEqualTo(publicKey.toText());
    try (TamperEvidentAuditLog log = open()) {
      assertThat(log.size()).isEqualTo(1);
      assertThat(log.publicKey()).isEqualTo(publicKey);
    }
  }

  @Test
  void aStagedKeyWithoutALogSignsTheNewLog() throws IOException {
    AuditSigningKey staged = AuditSigningKey.generate();
    staged.writeNew(keyFile());
    byte[] before = Files.readAllBytes(keyFile());
    try (TamperEvidentAuditLog log = open()) {
      assertThat(log.publicKey()).isEqualTo(staged.publicKey());
    }
    assertThat(Files.readAllBytes(keyFile())).isEqualTo(before);
    assertThat(AuditPublicKey.read(pub())).isEqualTo(staged.publicKey());
  }

  @Test
  void anEmptyLogDirectoryCountsAsNoLog() throws IOException {
    Files.createDirectories(logDir());
    try (TamperEvidentAuditLog log = open()) {
      assertThat(log.size()).isZero();
    }
    assertThat(keyFile()).exists();
    assertThat(pub()).exists();
  }

  @Test
  void aLogWhoseSigningKeyIsMissingIsRefusedAndNoNewKeyIsMade() throws IOException {
    createLogWithRecords(3);
    Files.delete(keyFile());
    Map<String, String> before = snapshot();
    assertThatThrownBy(this::open).isInstanceOf(AuditLogRefusedException.class)
        .hasMessageContaining("the signing key " + keyFile() + " is missing but the log in " + logDir() + " exists")
        .hasMessageContaining("restore the key from its backup");
    assertThat(snapshot()).isEqualTo(before);
    assertThat(keyFile()).doesNotExist();
  }

  @Test
  void aDeletedLogWhosePublishedKeyRemainsIsRefused() throws IOException {
    createLogWithRecords(2);
    try (Stream<Path> files = Files.list(logDir())) {
      for (Path f : (Iterable<Path>) files::iterator) {
        Files.delete(f);
      }
    }
    Files.delete(logDir());
    Map<String, String> before = snapshot();
    assertThatThrownBy(this::open).isInstanceOf(AuditLogRefusedException.class)
        .hasMessageContaining("the audit log " + logDir() + " is missing but " + pub() + " exists")
        .hasMessageContaining("the log was deleted");
    assertThat(snapshot()).isEqualTo(before);
    assertThat(logDir()).doesNotExist();
  }

  @Test
  void aPublishedKeyThatIsNotTheLogsKeyIsRefused() throws IOException {
    createLogWithRecords(2);
    AuditSigningKey other = AuditSigningKey.generate();
    Files.writeString(pub(), other.publicKey().toText());
    Map<String, String> before = snapshot();
    assertThatThrownBy(this::open).isInstanceOf(AuditLogRefusedException.class)
        .hasMessageContaining(pub() + " names key " + other.keyId() + ", but the log's signing key is "
            + AuditSigningKey.load(keyFile()).keyId());
    assertThat(snapshot()).isEqualTo(before);
  }

  @Test
  void aPublishedKeyFileThatIsNotAKeyIsRefused() throws IOException {
    createLogWithRecords(1);
    Files.writeString(pub(), "not a key\n");
    assertThatThrownBy(this::open).isInstanceOf(AuditLogRefusedException.class)
        .hasMessageContaining(pub() + " is not the log's public key");
  }

  @Test
  void aSigningKeyFileThatCannotBeReadIsRefusedForAnExistingLog() throws IOException {
    createLogWithRecords(1);
    Files.write(keyFile(), "garbage".getBytes(StandardCharsets.US_ASCII));
    assertThatThrownBy(this::open).isInstanceOf(AuditLogRefusedException.class)
        .hasMessageContaining("the signing key " + keyFile() + " cannot be used");
  }

  @Test
  void aSigningKeyFileThatCannotBeReadIsRefusedForANewLog() throws IOException {
    Files.createDirectories(keyFile().getParent());
    Files.write(keyFile(), "garbage".getBytes(StandardCharsets.US_ASCII));
    assertThatThrownBy(this::open).isInstanceOf(AuditLogRefusedException.class)
        .hasMessageContaining("the signing key " + keyFile() + " cannot be used");
    assertThat(pub()).doesNotExist();
  }

  @Test
  void aMissingPublishedKeyIsWrittenOnlyWhileTheLogIsEmpty() throws IOException {
    createLogWithRecords(0);
    Files.delete(pub());
    try (TamperEvidentAuditLog log = open()) {
      log.append(event(1));
    }
    assertThat(pub()).exists();

    Files.delete(pub());
    try (TamperEvidentAuditLog log = open()) {
      assertThat(log.size()).isEqualTo(1);
    }
    assertThat(pub()).as("a log with records gets no new audit.pub: it would vouch for itself").doesNotExist();
  }
}
