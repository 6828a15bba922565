package dev.breakglass.core.vault;

import java.nio.file.Path;
import java.util.Arrays;

/**
 * Child process for {@link VaultCrashSafetyTest}: writes to a vault in a loop and reports each
 * completed write on stdout until it is killed.
 */
public final class VaultWriterProcess {
  private VaultWriterProcess() {}

  public static void main(String[] args) {
    Path file = Path.of(args[0]);
    char[] passphrase = System.getenv("BG_TEST_PASSPHRASE").toCharArray();
    char[] padding = new char[2048];
    Arrays.fill(padding, 'p');
    try (EncryptedFileVault vault = EncryptedFileVault.open(file, passphrase)) {
      for (long i = 1; ; i++) {
        vault.write("counter", (VaultCrashSafetyTest.VALUE_PREFIX + i + "-" + new String(padding)).toCharArray());
        System.out.println("wrote " + i);
        System.out.flush();
      }
    }
  }
}
