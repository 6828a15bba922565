package dev.breakglass.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretFilesTest {
  @TempDir Path dir;

  @Test
  void read_dropsTrailingLineBreaksOnly() throws IOException {
    Path f = Files.writeString(dir.resolve("s"), "  pass\nword  \r\n\n");
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
    Path f = Files.writeString(dir.resolve("s"), "\r\n");
    assertThatThrownBy(() -> SecretFiles.read(f, "passphrase")).hasMessage("the passphrase file " + f + " is empty");
  }

  @Test
  void read_notUtf8_isRefusedWithoutQuotingTheContent() throws IOException {
    Path f = Files.write(dir.resolve("s"), new byte[] {'k', 'e', 'y', (byte) 0xC3, (byte) 0x28});
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
