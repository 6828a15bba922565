package dev.breakglass.core.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditSigningKeyTest {
  @TempDir Path dir;

  @Test
  void loadOrCreateWritesAnOwnerOnlyFileAndLoadsTheSameKeyBack() throws IOException {
    Path f = dir.resolve("keys/audit.key");
    AuditSigningKey k = AuditSigningKey.loadOrCreate(f);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f))).isEqualTo("rw-------");
    AuditSigningKey again = AuditSigningKey.loadOrCreate(f);
    assertThat(again.publicKey()).isEqualTo(k.publicKey());
    byte[] msg = "m".getBytes(StandardCharsets.UTF_8);
    assertThat(k.publicKey().verify(msg, again.sign(msg))).isTrue();
  }

  @Test
  void keyFileReadableByOthersIsRefused() throws IOException {
    Path f = dir.resolve("audit.key");
    AuditSigningKey.loadOrCreate(f);
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));
    assertThatThrownBy(() -> AuditSigningKey.load(f)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("chmod 600");
  }

  @Test
  void malformedKeyFileIsNamedWithoutEchoingItsContent() throws IOException {
    Path f = dir.resolve("bad.key");
    Files.writeString(f, AuditSigningKey.HEADER + "\nc2VjcmV0LXNlY3JldA==\n");
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
    assertThatThrownBy(() -> AuditSigningKey.load(f)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must hold 32 bytes").hasMessageNotContaining("c2VjcmV0");
  }

  Path ownerOnly(String name, String text) throws IOException {
    Path f = dir.resolve(name);
    Files.writeString(f, text);
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
    return f;
  }

  @Test
  void everyWayAKeyFileCanBeWrongIsNamed() throws IOException {
    Path noKey = ownerOnly("empty-body.key", AuditSigningKey.HEADER + "\n");
    assertThatThrownBy(() -> AuditSigningKey.load(noKey)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage(noKey + ": audit signing key must hold 32 bytes, holds 0");
    Path noNewline = ownerOnly("one-line.key", AuditSigningKey.HEADER);
    assertThatThrownBy(() -> AuditSigningKey.load(noNewline)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage(noNewline + ": not a breakglass audit signing key (expected first line '" + AuditSigningKey.HEADER
            + "')");
    Path otherHeader = ownerOnly("other.key", "breakglass-fingerprint-key v1\nAAAA\n");
    assertThatThrownBy(() -> AuditSigningKey.load(otherHeader)).hasMessageContaining("not a breakglass audit signing key");
    Path notBase64 = ownerOnly("b64.key", AuditSigningKey.HEADER + "\n%%%%\n");
    assertThatThrownBy(() -> AuditSigningKey.load(notBase64)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage(notBase64 + ": audit signing key is not valid base64");
    Path directory = Files.createDirectory(dir.resolve("dir.key"));
    Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwx------"));
    assertThatThrownBy(() -> AuditSigningKey.load(directory)).isInstanceOf(java.io.UncheckedIOException.class)
        .hasMessage("cannot read audit signing key " + directory);
    assertThatThrownBy(() -> AuditSigningKey.fromRaw(new byte[31])).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("an Ed25519 private key has 32 bytes, this one has 31");
  }

  @Test
  void aKeyFileIsReadWithWhitespaceAroundItsLines() throws IOException {
    AuditSigningKey k = AuditSigningKey.generate();
    Path written = dir.resolve("k.key");
    k.writeNew(written);
    String[] lines = Files.readString(written).split("\n");
    assertThat(lines).hasSize(2);
    assertThat(lines[0]).isEqualTo(AuditSigningKey.HEADER);
    Path spaced = ownerOnly("spaced.key", "  " + lines[0] + "\t\n" + lines[1] + "\n\n  ");
    assertThat(AuditSigningKey.load(spaced).publicKey()).isEqualTo(k.publicKey());
    assertThat(k.toString()).isEqualTo("AuditSigningKey[" + k.keyId() + ", private key redacted]")
        .doesNotContain(lines[1]);
  }

  @Test
  void writeNewNeverReplacesAKeyAndLeavesNoTemporaryFile() throws IOException {
    AuditSigningKey first = AuditSigningKey.generate();
    Path f = dir.resolve("nested/deeper/audit.key");
    first.writeNew(f);
    byte[] before = Files.readAllBytes(f);
    assertThatThrownBy(() -> AuditSigningKey.generate().writeNew(f))
        .isInstanceOf(java.nio.file.FileAlreadyExistsException.class);
    assertThat(Files.readAllBytes(f)).isEqualTo(before);
    try (var files = Files.list(f.getParent())) {
      assertThat(files).containsExactly(f);
    }
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f.getParent()))).isEqualTo("rwx------");
    assertThat(AuditSigningKey.loadOrCreate(f).publicKey()).isEqualTo(first.publicKey());
  }
}
