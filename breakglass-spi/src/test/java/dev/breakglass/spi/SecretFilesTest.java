package dev.breakglass.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.breakglass.spi.files.DurableFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretFilesTest {
  @TempDir Path dir;

  /** A secret file as an operator should leave it: owner-only. */
  static Path ownerOnly(Path file, String content) throws IOException {
    Files.writeString(file, content);
    if (DurableFiles.isPosix(file)) {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    }
    return file;
  }

  @Test
  void read_groupOrWorldReadableFile_isRefusedNamingTheFileAndTheFix() throws IOException {
    assumeTrue(DurableFiles.isPosix(dir));
    for (String perms : new String[] {"rw-r--r--", "rw-r-----", "rw----r--", "rw--w----"}) {
      Path f = ownerOnly(dir.resolve("key-" + perms), "s3cret");
      Files.setPosixFilePermissions(f, PosixFilePermissions.fromString(perms));
      assertThatThrownBy(() -> SecretFiles.read(f, "HMAC key"))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("the HMAC key file " + f)
          .hasMessageContaining(perms)
          .hasMessageContaining("chmod 600 " + f)
          .hasMessageNotContaining("s3cret");
    }
  }

  @Test
  void read_ownerOnlyFile_isAccepted() throws IOException {
    Path f = ownerOnly(dir.resolve("key"), "s3cret\n");
    assertThat(SecretFiles.read(f, "HMAC key")).containsExactly("s3cret".toCharArray());
  }

  @Test
  void read_dropsTrailingLineBreaksOnly() throws IOException {
    Path f = ownerOnly(dir.resolve("s"), "  pass\nword  \r\n\n");
    assertThat(SecretFiles.read(f, "passphrase")).containsExactly("  pass\nword  ".toCharArray());
  }

  @Test
  void read_missingFile_namesWhatAndWhere() {
    assertThatThrownBy(() -> SecretFiles.read(dir.resolve("nope"), "SMTP password"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cannot read the SMTP password file").hasMessageContaining("nope");
  }

  @Test
  void read_emptyOrOnlyLineBreaks_isRefused() throws IOException {
    Path f = ownerOnly(dir.resolve("s"), "\r\n");
    assertThatThrownBy(() -> SecretFiles.read(f, "passphrase")).hasMessage("the passphrase file " + f + " is empty");
  }

  @Test
  void read_notUtf8_isRefusedWithoutQuotingTheContent() throws IOException {
    Path f = ownerOnly(dir.resolve("s"), "");
    Files.write(f, new byte[] {'k', 'e', 'y', (byte) 0xC3, (byte) 0x28});
    assertThatThrownBy(() -> SecretFiles.read(f, "passphrase"))
        .hasMessage("the passphrase file " + f + " is not UTF-8 text");
  }

  @Test
  void decode_leavesTheCallersBytesToTheCaller() {
    byte[] bytes = "s3cret\n".getBytes(StandardCharsets.UTF_8);
    assertThat(SecretFiles.decode(bytes, "standard input")).containsExactly("s3cret".toCharArray());
    assertThat(new String(bytes, StandardCharsets.UTF_8)).isEqualTo("s3cret\n");
    assertThatThrownBy(() -> SecretFiles.decode(new byte[0], "standard input"))
        .hasMessage("standard input is empty");
  }
}
