package dev.breakglass.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakglass.ProviderException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link ProviderContext#secret}: secrets come from the environment or a file, never from the property itself. */
class ProviderContextSecretTest {
  @TempDir Path dir;

  private ProviderContext context(Map<String, String> props, Map<String, String> env) {
    return new ProviderContext("alert.channel.pager", props, Clock.systemUTC(), dir, env::get);
  }

  @Test
  void readsTheSecretFromAnEnvironmentVariable() {
    char[] secret = context(Map.of("hmac-key-env", "HOOK_KEY"), Map.of("HOOK_KEY", "s3cr3t")).secret("hmac-key")
        .orElseThrow();
    assertThat(new String(secret)).isEqualTo("s3cr3t");
  }

  @Test
  void readsTheSecretFromAFileWithoutItsTrailingLineBreak() throws Exception {
    Path f = SecretFilesTest.ownerOnly(dir.resolve("key"), "päss word\r\n");
    char[] secret = context(Map.of("hmac-key-file", f.toString()), Map.of()).secret("hmac-key").orElseThrow();
    assertThat(new String(secret)).isEqualTo("päss word");
  }

  @Test
  void absentSecretIsEmpty() {
    assertThat(context(Map.of(), Map.of()).secret("hmac-key")).isEmpty();
  }

  @Test
  void clearTextSecretIsRefusedWithoutEchoingIt() {
    assertThatThrownBy(() -> context(Map.of("hmac-key", "do-not-echo"), Map.of()).secret("hmac-key"))
        .isInstanceOf(ProviderException.class)
        .hasMessageContaining("'hmac-key'").hasMessageContaining("hmac-key-env").hasMessageContaining("hmac-key-file")
        .hasMessageNotContaining("do-not-echo");
  }

  @Test
  void bothSourcesAtOnceAreRefused() {
    assertThatThrownBy(() -> context(Map.of("hmac-key-env", "A", "hmac-key-file", "/x"), Map.of("A", "v"))
        .secret("hmac-key")).hasMessageContaining("set only one");
  }

  @Test
  void unsetVariableIsNamed() {
    assertThatThrownBy(() -> context(Map.of("hmac-key-env", "MISSING_VAR"), Map.of()).secret("hmac-key"))
        .hasMessageContaining("MISSING_VAR");
  }

  @Test
  void unreadableOrEmptyFileIsNamed() throws Exception {
    Path missing = dir.resolve("nope");
    assertThatThrownBy(() -> context(Map.of("hmac-key-file", missing.toString()), Map.of()).secret("hmac-key"))
        .hasMessageContaining(missing.toString());
    Path empty = SecretFilesTest.ownerOnly(dir.resolve("empty"), "\n");
    assertThatThrownBy(() -> context(Map.of("hmac-key-file", empty.toString()), Map.of()).secret("hmac-key"))
        .hasMessageContaining("is empty");
  }

  @Test
  void fileThatIsNotUtf8IsRefusedWithoutEchoingIt() throws Exception {
    Path bad = SecretFilesTest.ownerOnly(dir.resolve("bad"), "");
    Files.write(bad, new byte[] {(byte) 0xC3, (byte) 0x28});
    assertThatThrownBy(() -> context(Map.of("hmac-key-file", bad.toString()), Map.of()).secret("hmac-key"))
        .hasMessageContaining("not UTF-8");
  }
}
