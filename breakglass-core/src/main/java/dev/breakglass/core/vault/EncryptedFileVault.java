package dev.breakglass.core.vault;

import dev.breakglass.Credential;
import dev.breakglass.VaultException;
import dev.breakglass.spi.CredentialVault;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/**
 * The embedded default vault: one JSON file whose credentials are encrypted with AES-256-GCM under
 * a random data key, which is itself encrypted under a key derived from a passphrase with Argon2id.
 * Nothing secret is in the file in the clear.
 *
 * <pre>{@code
 * char[] passphrase = ...;
 * try (EncryptedFileVault vault = EncryptedFileVault.create(path, passphrase, Argon2Parameters.recommended())) {
 *   vault.write("prod-db-admin", secret);
 * }
 * try (EncryptedFileVault vault = EncryptedFileVault.open(path, passphrase);
 *      Credential credential = vault.read("prod-db-admin")) {
 *   use(credential.secret());
 * }
 * }</pre>
 *
 * <h2>What it promises</h2>
 * <ul>
 *   <li>Each credential has its own random 96-bit nonce and is bound to the vault id, the format
 *       version and its account name, so it cannot be moved to another account or vault; an HMAC
 *       over the whole file catches removed, altered or mixed-in entries.</li>
 *   <li>{@link #open} checks the passphrase, the file MAC and every entry before returning. A wrong
 *       passphrase, a corrupted or a truncated file each fail with a {@link VaultException} that
 *       says which, and no vault is returned.</li>
 *   <li>Wrong passphrases are throttled per file and process with exponential backoff (the first
 *       mistake is free, then 1 s, 2 s, 4 s, … up to 10 minutes).</li>
 *   <li>Every write replaces the file {@linkplain dev.breakglass.spi.files.DurableFiles atomically}:
 *       a crash leaves the old or the new vault. Writers in several threads or processes are serialized and none loses
 *       another's entry.</li>
 *   <li>Passphrases are taken as {@code char[]} and never copied into a String; the caller wipes its
 *       array. The data key is held while the vault is open and wiped by {@link #close()}.</li>
 * </ul>
 *
 * <p>It does not protect against a rollback of the whole file to an older copy by someone with
 * write access to it; the generation number in the file lets an operator notice one. Thread-safe.
 */
public final class EncryptedFileVault implements CredentialVault {
  private final FileVaultStore store;

  private EncryptedFileVault(FileVaultStore store) {
    this.store = store;
  }

  /**
   * Creates a new, empty vault file.
   *
   * @throws VaultException if the file already exists or cannot be written
   */
  public static EncryptedFileVault create(Path file, char[] passphrase, Argon2Parameters kdf) {
    Objects.requireNonNull(passphrase, "passphrase");
    Objects.requireNonNull(kdf, "kdf");
    requirePassphrase(passphrase);
    return new EncryptedFileVault(FileVaultStore.create(file, UUID.randomUUID(), passphrase, kdf, null));
  }

  /**
   * Opens an existing vault file, throttled per file for this process.
   *
   * @throws VaultException if the file is missing, unreadable, corrupted or truncated, if the
   *     passphrase is wrong, or (code {@link dev.breakglass.ReasonCode#RATE_LIMITED}) while the file
   *     is locked after repeated wrong passphrases
   */
  public static EncryptedFileVault open(Path file, char[] passphrase) {
    return open(file, passphrase, UnlockThrottle.shared());
  }

  /** Like {@link #open(Path, char[])} with an explicit throttle. */
  static EncryptedFileVault open(Path file, char[] passphrase, UnlockThrottle throttle) {
    Objects.requireNonNull(passphrase, "passphrase");
    return new EncryptedFileVault(FileVaultStore.open(file, passphrase, throttle, false));
  }

  static void requirePassphrase(char[] passphrase) {
    if (passphrase.length == 0) {
      throw new IllegalArgumentException("passphrase must not be empty");
    }
  }

  @Override
  public Set<String> accounts() {
    return store.accounts();
  }

  /**
   * Reads a new, independent copy of the credential; close it to wipe it.
   *
   * @throws VaultException if the account is unknown, the vault is closed, or the file changed on
   *     disk into something that does not verify
   */
  @Override
  public Credential read(String account) {
    Objects.requireNonNull(account, "account");
    byte[] plain = store.read(account);
    try {
      return Credential.wrap(account, VaultCrypto.chars(plain));
    } catch (IllegalArgumentException e) {
      throw VaultDocument.corrupted(store.file(), "the entry for account '" + account + "' is not UTF-8 text");
    } finally {
      VaultCrypto.wipe(plain);
    }
  }

  @Override
  public void write(String account, char[] secret) {
    Objects.requireNonNull(account, "account");
    Objects.requireNonNull(secret, "secret");
    byte[] plain = VaultCrypto.utf8(secret);
    try {
      store.write(account, plain);
    } finally {
      VaultCrypto.wipe(plain);
    }
  }

  /**
   * Re-encrypts the data key under a new passphrase (and KDF parameters); credentials are kept.
   *
   * @throws VaultException if the file cannot be written; the old passphrase then still works
   */
  public void changePassphrase(char[] newPassphrase, Argon2Parameters kdf) {
    requirePassphrase(newPassphrase);
    store.changePassphrase(newPassphrase, Objects.requireNonNull(kdf, "kdf"));
  }

  /** The vault's random identity, recorded in the file and bound into every entry. */
  public UUID vaultId() {
    return store.vaultId();
  }

  /** The vault file. */
  public Path file() {
    return store.file();
  }

  /** How many times the file has been written since it was created. */
  public long generation() {
    return store.generation();
  }

  /** The Argon2id parameters the passphrase is currently stretched with. */
  public Argon2Parameters kdf() {
    return store.kdf();
  }

  /** Wipes the data key; later calls fail. Idempotent. */
  @Override
  public void close() {
    store.close();
  }

  @Override
  public String toString() {
    return "EncryptedFileVault[" + store.file() + ", id=" + store.vaultId() + "]";
  }
}
