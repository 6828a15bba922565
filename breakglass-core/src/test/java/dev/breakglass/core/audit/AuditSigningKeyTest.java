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
}
