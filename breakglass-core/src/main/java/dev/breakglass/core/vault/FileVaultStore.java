package dev.breakglass.core.vault;

import dev.breakglass.VaultException;
import dev.breakglass.spi.files.VersionedFile;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * The encrypted vault file behind {@link EncryptedFileVault} and {@link SealedFileVault}: unlocking
 * with the passphrase, per-entry AES-256-GCM, the file MAC, and serialized atomic writes.
 *
 * <p>Key hierarchy: a random 256-bit data key, wrapped with AES-256-GCM under a key derived from
 * the passphrase with Argon2id. From the data key, HKDF-SHA256 derives the entry key (AES-256-GCM
 * per entry, random 96-bit nonce, bound to vault id, format version and account) and the MAC key
 * (HMAC-SHA256 over the whole document).
 *
 * <p>Writers are serialized within the process by a lock per file and across processes by a
 * {@link FileLock} on {@code <vault>.lock}; each write first reloads the file if another instance
 * changed it, so no writer loses another's entry. Reads notice a file replaced by another instance
 * and reload it. All methods are synchronized on the instance; thread-safe.
 */
final class FileVaultStore implements AutoCloseable {
  private final Path file;
  private final UUID vaultId;
  private VersionedFile<VaultDocument> versioned;
  private final byte[] dataKey;
  private final byte[] entryKey;
  private final byte[] macKey;
  private boolean closed;

  private FileVaultStore(Path file, UUID vaultId, byte[] dataKey) {
    this.file = file;
    this.vaultId = vaultId;
    this.dataKey = dataKey;
    byte[] salt = uuidBytes(vaultId);
    this.entryKey = VaultCrypto.hkdf(dataKey, salt, "breakglass vault entries v1", VaultCrypto.KEY_BYTES);
    this.macKey = VaultCrypto.hkdf(dataKey, salt, "breakglass vault mac v1", VaultCrypto.KEY_BYTES);
  }

  /**
   * Creates a new vault file; refuses to overwrite an existing one.
   *
   * @throws VaultException if the file exists or cannot be written
   */
  static FileVaultStore create(Path file, UUID vaultId, char[] passphrase, Argon2Parameters kdf,
      VaultDocument.@Nullable Sealing sealing) {
    Path path = file.toAbsolutePath().normalize();
    byte[] dataKey = VaultCrypto.randomBytes(VaultCrypto.KEY_BYTES);
    byte[] salt = VaultCrypto.randomBytes(VaultCrypto.SALT_BYTES);
    byte[] nonce = VaultCrypto.randomBytes(VaultCrypto.NONCE_BYTES);
    byte[] wrapped = wrap(dataKey, passphrase, vaultId, kdf, salt, nonce, sealing != null);
    FileVaultStore store = new FileVaultStore(path, vaultId, dataKey);
    try {
      VaultDocument empty = new VaultDocument(vaultId, 0, kdf, salt, nonce, wrapped, sealing, Map.of(), new byte[0])
          .withMac(store.macKey);
      store.versioned = VersionedFile.create(path, VaultDocument.FORMAT_V1, empty, store::verify);
    } catch (RuntimeException e) {
      store.close();
      throw e;
    }
    return store;
  }

  private static byte[] wrap(byte[] dataKey, char[] passphrase, UUID vaultId, Argon2Parameters kdf, byte[] salt,
      byte[] nonce, boolean sealed) {
    byte[] kek = VaultCrypto.argon2id(passphrase, salt, kdf);
    try {
      return VaultCrypto.seal(kek, nonce, VaultDocument.keyAad(vaultId, kdf, salt, sealed), dataKey);
    } finally {
      VaultCrypto.wipe(kek);
    }
  }

  /**
   * Opens and fully verifies a vault file: passphrase, MAC, and every entry's authentication tag.
   *
   * @param sealed whether the caller expects a custodian-sealed vault
   * @throws VaultException naming what failed: missing or unreadable file, corruption, wrong
   *     passphrase, or a lock-out after repeated wrong passphrases
   */
  static FileVaultStore open(Path file, char[] passphrase, UnlockThrottle throttle, boolean sealed) {
    Path path = file.toAbsolutePath().normalize();
    VersionedFile.Snapshot<VaultDocument> opened = VersionedFile.read(path, VaultDocument.FORMAT_V1);
    VaultDocument doc = opened.document();
    if (sealed && doc.sealing == null) {
      throw new VaultException("vault file " + path + " is not sealed by custodians; open it with EncryptedFileVault");
    }
    if (!sealed && doc.sealing != null) {
      throw new VaultException("vault file " + path + " is sealed by custodians; open it with SealedFileVault");
    }
    byte[] dataKey = throttle.attempt(path, () -> {
      byte[] kek = VaultCrypto.argon2id(passphrase, doc.salt, doc.kdf);
      try {
        return VaultCrypto.open(kek, doc.keyNonce, doc.keyAad(), doc.wrappedKey);
      } catch (VaultCrypto.AuthenticationFailed e) {
        throw new UnlockThrottle.WrongPassphrase();
      } finally {
        VaultCrypto.wipe(kek);
      }
    });
    FileVaultStore store = new FileVaultStore(path, doc.vaultId, dataKey);
    try {
      store.verify(doc);
    } catch (RuntimeException e) {
      store.close();
      throw e;
    }
    store.versioned = new VersionedFile<>(path, VaultDocument.FORMAT_V1, opened, store::verify);
    return store;
  }

  /** Checks the MAC and every entry of {@code candidate} under this store's keys. */
  private void verify(VaultDocument candidate) {
    // Entries first, so an altered entry is reported by account; the MAC then catches removals and mixes.
    for (Map.Entry<String, VaultDocument.Entry> e : candidate.entries.entrySet()) {
      byte[] plain = decryptEntry(candidate, e.getKey(), e.getValue());
      VaultCrypto.wipe(plain);
    }
    if (!candidate.macMatches(macKey)) {
      throw VaultDocument.corrupted(file, "its integrity check failed (entries were altered, removed, or mixed"
          + " with another copy of the file)");
    }
  }

  private byte[] decryptEntry(VaultDocument d, String account, VaultDocument.Entry entry) {
    try {
      return VaultCrypto.open(entryKey, entry.nonce(), VaultDocument.entryAad(d.vaultId, account), entry.ciphertext());
    } catch (VaultCrypto.AuthenticationFailed e) {
      throw VaultDocument.corrupted(file, "the entry for account '" + account + "' fails authentication");
    }
  }

  Path file() {
    return file;
  }

  UUID vaultId() {
    return vaultId;
  }

  synchronized long generation() {
    return current().generation;
  }

  synchronized Argon2Parameters kdf() {
    return current().kdf;
  }

  synchronized VaultDocument.Sealing sealing() {
    return Objects.requireNonNull(current().sealing, "sealing");
  }

  synchronized Set<String> accounts() {
    return new TreeSet<>(current().entries.keySet());
  }

  synchronized boolean contains(String account) {
    return current().entries.containsKey(account);
  }

  /**
   * The decrypted entry of {@code account}; the caller wipes it.
   *
   * @throws VaultException if the account is unknown or its entry does not authenticate
   */
  synchronized byte[] read(String account) {
    VaultDocument doc = current();
    VaultDocument.Entry entry = doc.entries.get(account);
    if (entry == null) {
      throw unknownAccount(account);
    }
    return decryptEntry(doc, account, entry);
  }

  VaultException unknownAccount(String account) {
    return new VaultException("vault " + file + " holds no credential for account '" + account + "'");
  }

  /**
   * Encrypts {@code plaintext} as the entry of {@code account} and writes the file atomically. The
   * caller keeps and wipes {@code plaintext}.
   *
   * @throws VaultException if the file cannot be written; the vault then keeps its old content
   */
  synchronized void write(String account, byte[] plaintext) {
    ensureOpen();
    if (account.isBlank()) {
      throw new IllegalArgumentException("account must not be blank");
    }
    versioned.update(doc -> {
      byte[] nonce = VaultCrypto.randomBytes(VaultCrypto.NONCE_BYTES);
      byte[] ct = VaultCrypto.seal(entryKey, nonce, VaultDocument.entryAad(doc.vaultId, account), plaintext);
      return doc.withEntry(account, new VaultDocument.Entry(nonce, ct), macKey);
    });
  }

  /** Turns one entry's plaintext into its replacement, for {@link #rewriteAll}. */
  interface EntryRewriter {
    /** Returns the new plaintext; may wipe {@code plaintext}, which the store wipes afterwards anyway. */
    byte[] rewrite(String account, byte[] plaintext);
  }

  /**
   * Replaces the sealing record and every entry in one atomic write (resealing under a new key).
   *
   * @throws VaultException if an entry does not verify or the file cannot be written; nothing
   *     changes then
   */
  synchronized void rewriteAll(VaultDocument.@Nullable Sealing sealing, EntryRewriter rewriter) {
    ensureOpen();
    versioned.update(doc -> {
      Map<String, VaultDocument.Entry> entries = new java.util.TreeMap<>();
      for (Map.Entry<String, VaultDocument.Entry> e : doc.entries.entrySet()) {
        byte[] plain = decryptEntry(doc, e.getKey(), e.getValue());
        byte[] next = null;
        try {
          next = rewriter.rewrite(e.getKey(), plain);
          byte[] nonce = VaultCrypto.randomBytes(VaultCrypto.NONCE_BYTES);
          entries.put(e.getKey(), new VaultDocument.Entry(nonce,
              VaultCrypto.seal(entryKey, nonce, VaultDocument.entryAad(doc.vaultId, e.getKey()), next)));
        } finally {
          VaultCrypto.wipe(plain, next);
        }
      }
      return new VaultDocument(doc.vaultId, doc.generation + 1, doc.kdf, doc.salt, doc.keyNonce,
          doc.wrappedKey, sealing, entries, new byte[0]).withMac(macKey);
    });
  }

  /**
   * Re-wraps the data key under a new passphrase; entries are untouched.
   *
   * @throws VaultException if the file cannot be written; the old passphrase then still opens it
   */
  synchronized void changePassphrase(char[] newPassphrase, Argon2Parameters kdf) {
    ensureOpen();
    versioned.update(doc -> {
      byte[] salt = VaultCrypto.randomBytes(VaultCrypto.SALT_BYTES);
      byte[] nonce = VaultCrypto.randomBytes(VaultCrypto.NONCE_BYTES);
      byte[] wrapped = wrap(dataKey, newPassphrase, doc.vaultId, kdf, salt, nonce, doc.sealing != null);
      return doc.withKeyWrap(kdf, salt, nonce, wrapped, macKey);
    });
  }

  /** The newest document; reloaded and verified if another instance replaced the file. */
  private VaultDocument current() {
    ensureOpen();
    return versioned.current();
  }

  private void ensureOpen() {
    if (closed) {
      throw new VaultException("vault " + file + " is closed");
    }
  }

  static byte[] uuidBytes(UUID id) {
    byte[] b = new byte[16];
    long hi = id.getMostSignificantBits();
    long lo = id.getLeastSignificantBits();
    for (int i = 0; i < 8; i++) {
      b[i] = (byte) (hi >>> (56 - 8 * i));
      b[8 + i] = (byte) (lo >>> (56 - 8 * i));
    }
    return b;
  }

  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      VaultCrypto.wipe(dataKey, entryKey, macKey);
    }
  }

  @Override
  public String toString() {
    return "vault " + file;
  }
}
