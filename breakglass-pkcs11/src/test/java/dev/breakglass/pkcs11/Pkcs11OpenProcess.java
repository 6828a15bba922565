package dev.breakglass.pkcs11;

import java.nio.file.Path;

/**
 * Child process for {@link Pkcs11VaultTest}: opens a vault in a JVM where nobody has logged in to
 * the token yet, and prints {@code OPENED} or {@code FAILED <message>}. The PIN comes from the
 * environment variable {@code BG_TEST_PIN}.
 */
public final class Pkcs11OpenProcess {
  private Pkcs11OpenProcess() {}

  public static void main(String[] args) {
    try (Pkcs11Vault vault = Pkcs11Vault.builder().library(Path.of(args[0])).slotListIndex(Integer.parseInt(args[1]))
        .keyLabel(args[2]).file(Path.of(args[3])).open(System.getenv("BG_TEST_PIN").toCharArray())) {
      System.out.println("OPENED " + vault.accounts());
    } catch (RuntimeException e) {
      System.out.println("FAILED " + e.getClass().getName() + ": " + e.getMessage());
    }
  }
}
