package dev.breakglass.core.vault;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakglass.Credential;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a child JVM while it rewrites a vault over and over, then checks that the vault still opens
 * and holds the last confirmed write or the one after it: never a broken or half-written file.
 */
class VaultCrashSafetyTest {
  static final String VALUE_PREFIX = "value-";

  @TempDir Path dir;

  @Test
  void aWriterKilledMidWriteLeavesTheOldOrTheNewVault() throws Exception {
    Path file = dir.resolve("vault.json");
    try (EncryptedFileVault vault = EncryptedFileVault.create(file, TestVaults.passphrase(), TestVaults.FAST)) {
      char[] filler = new char[4096];
      java.util.Arrays.fill(filler, 'f');
      // Make the file large enough that a write takes a while and a kill is likely to land inside one.
      for (int i = 0; i < 40; i++) {
        vault.write("filler-" + i, filler);
      }
      vault.write("counter", (VALUE_PREFIX + "0").toCharArray());
    }
    int[] killAfter = {3, 11, 29};
    List<Long> recovered = new ArrayList<>();
    for (int target : killAfter) {
      long confirmed = runAndKill(file, target);
      try (EncryptedFileVault vault = EncryptedFileVault.open(file, TestVaults.passphrase(), new UnlockThrottle(Clock.systemUTC()));
           Credential c = vault.read("counter")) {
        String value = new String(c.secret());
        long n = Long.parseLong(value.substring(VALUE_PREFIX.length(), value.indexOf('-', VALUE_PREFIX.length())));
        assertThat(n).as("after a kill following confirmed write %d", confirmed).isBetween(confirmed, confirmed + 1);
        assertThat(vault.accounts()).hasSize(41);
        recovered.add(n);
      }
    }
    assertThat(recovered).hasSize(killAfter.length);
  }

  /** Starts the writer, kills it (SIGKILL) once it has confirmed {@code target} writes, returns the last confirmed. */
  private long runAndKill(Path file, int target) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        VaultWriterProcess.class.getName(), file.toString());
    pb.environment().put("BG_TEST_PASSPHRASE", TestVaults.PASSPHRASE);
    pb.redirectError(ProcessBuilder.Redirect.INHERIT);
    Process p = pb.start();
    long confirmed = 0;
    try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = out.readLine()) != null) {
        confirmed = Long.parseLong(line.substring("wrote ".length()));
        if (confirmed >= target) {
          p.destroyForcibly();
          break;
        }
      }
    } finally {
      p.destroyForcibly();
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("writer process ended").isTrue();
    }
    assertThat(confirmed).as("writer confirmed writes before it was killed").isGreaterThanOrEqualTo(target);
    return confirmed;
  }
}
