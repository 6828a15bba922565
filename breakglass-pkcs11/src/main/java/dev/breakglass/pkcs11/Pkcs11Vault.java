package dev.breakglass.pkcs11;

import dev.breakglass.Credential;
import dev.breakglass.VaultException;
import dev.breakglass.spi.CredentialVault;
import dev.breakglass.spi.files.DurableFiles;
import dev.breakglass.spi.files.VersionedFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.Security;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.KeyGenerator;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;

/**
 * A credential vault whose AES-256 key is generated inside a PKCS#11 token (an HSM, a smart card,
 * SoftHSM2) as a sensitive, non-extractable token object and never leaves it: every credential is
 * encrypted and decrypted with AES-GCM by the token itself, through the JDK's SunPKCS11 provider
 * configured by library path and {@code slotListIndex}. The ciphertexts live in a JSON file next to
 * the application, written {@linkplain DurableFiles atomically}.
 *
 * <pre>{@code
 * try (Pkcs11Vault vault = Pkcs11Vault.builder()
 *         .library(Path.of("/usr/lib/softhsm/libsofthsm2.so"))
 *         .slotListIndex(0)
 *         .file(Path.of("/var/lib/app/pkcs11-vault.json"))
 *         .createIfMissing(true)
 *         .open(pin)) {
 *   vault.write("prod-db-admin", secret);
 * }
 * }</pre>
 *
 * <h2>What it promises</h2>
 * <ul>
 *   <li>The key is created with {@code CKA_SENSITIVE=true} and {@code CKA_EXTRACTABLE=false}; a key
 *       found on the token whose value can be read is refused.</li>
 *   <li>Each entry has a random 96-bit nonce and is bound to the vault id, the format version and
 *       its account name. A manifest, a digest of every entry sealed by the token with the same key,
 *       catches removed, swapped or mixed-in entries and a file paired with the wrong key.</li>
 *   <li>Writers in several threads or processes are serialized and none loses another's entry; a
 *       crash leaves the old or the new file.</li>
 *   <li>The PIN is taken as {@code char[]}; wrong PINs are counted by the token itself, which
 *       locks the user PIN after its own limit. A PKCS#11 login lasts for the whole process and
 *       the token then accepts any PIN, so within one process every later open is checked against
 *       a keyed digest (held in memory only) of the PIN of the first successful open, and a
 *       different PIN is refused. A login made by other code in the process before the first
 *       open cannot be told apart, and a PIN changed on the token is accepted only by a new
 *       process.</li>
 * </ul>
 *
 * <p>{@link #close()} drops this instance's key handle but does not log out of the token, since
 * other instances in the process may share the login. Thread-safe.
 */
public final class Pkcs11Vault implements CredentialVault {
  static final String FORMAT = "breakglass-pkcs11-vault";
  static final int VERSION = 1;
  /** The label the vault key gets on the token unless configured otherwise. */
  public static final String DEFAULT_KEY_LABEL = "breakglass-vault";

  private static final String TRANSFORMATION = "AES/GCM/NoPadding";
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final AtomicInteger PROVIDER_COUNTER = new AtomicInteger();
  /**
   * Per token (library and slot index): a keyed digest of the PIN of the first successful login in
   * this process. PKCS#11 keeps a token's login for the whole process, so once logged in the token
   * accepts any PIN; later opens are checked against this digest instead.
   */
  private static final ConcurrentMap<String, byte[]> LOGINS = new ConcurrentHashMap<>();
  private static final byte[] PIN_DIGEST_KEY = new byte[32];

  static {
    RANDOM.nextBytes(PIN_DIGEST_KEY);
  }

  private final Provider provider;
  private final String slotDescription;
  private final Path file;
  private @Nullable SecretKey key;
  private VersionedFile<Pkcs11Document> versioned;
  private UUID vaultId;
  private String keyLabel;

  private Pkcs11Vault(Provider provider, String slotDescription, SecretKey key, Path file) {
    this.provider = provider;
    this.slotDescription = slotDescription;
    this.key = key;
    this.file = file;
  }

  /** Configures a vault; {@link Builder#open(char[])} logs in and opens it. */
  public static Builder builder() {
    return new Builder();
  }

  /** Collects where the token and the file are. Not thread-safe; {@link #open} may be called again. */
  public static final class Builder {
    private @Nullable Path library;
    private int slotListIndex;
    private String keyLabel = DEFAULT_KEY_LABEL;
    private @Nullable Path file;
    private boolean createIfMissing;

    private Builder() {}

    /** The token's PKCS#11 module, for example {@code /usr/lib/softhsm/libsofthsm2.so}. Required. */
    public Builder library(Path library) {
      this.library = Objects.requireNonNull(library, "library");
      return this;
    }

    /** Which slot, as its index in the module's list of slots with a token. Default 0. */
    public Builder slotListIndex(int slotListIndex) {
      if (slotListIndex < 0) {
        throw new IllegalArgumentException("slotListIndex must be >= 0, was " + slotListIndex);
      }
      this.slotListIndex = slotListIndex;
      return this;
    }

    /** The label of the vault key on the token. Default {@value Pkcs11Vault#DEFAULT_KEY_LABEL}. */
    public Builder keyLabel(String keyLabel) {
      if (Objects.requireNonNull(keyLabel, "keyLabel").isBlank()) {
        throw new IllegalArgumentException("keyLabel must not be blank");
      }
      this.keyLabel = keyLabel;
      return this;
    }

    /** The file holding the encrypted credentials. Required. */
    public Builder file(Path file) {
      this.file = Objects.requireNonNull(file, "file");
      return this;
    }

    /**
     * Whether a missing file (and, with it, a missing key) may be created. Default {@code false}:
     * a missing file or key is an error, so a misconfigured path cannot silently start an empty
     * vault.
     */
    public Builder createIfMissing(boolean createIfMissing) {
      this.createIfMissing = createIfMissing;
      return this;
    }

    /**
     * Logs in to the token with {@code pin} and opens the vault, verifying the whole file with the
     * token's key. The caller keeps and wipes {@code pin}.
     *
     * @throws IllegalStateException if library or file is not set
     * @throws VaultException if the library or slot cannot be used, the PIN is wrong, the key or
     *     the file is missing (and may not be created), the key is extractable, or the file does
     *     not verify
     */
    public Pkcs11Vault open(char[] pin) {
      Objects.requireNonNull(pin, "pin");
      if (library == null || file == null) {
        throw new IllegalStateException("Pkcs11Vault needs a library and a file");
      }
      return Pkcs11Vault.open(library, slotListIndex, keyLabel, file.toAbsolutePath().normalize(), createIfMissing, pin);
    }
  }

  private static Pkcs11Vault open(Path library, int slotListIndex, String keyLabel, Path file, boolean create, char[] pin) {
    String slot = "PKCS#11 library " + library + " slot index " + slotListIndex;
    if (!Files.isRegularFile(library)) {
      throw new VaultException("the PKCS#11 library " + library + " does not exist or is not a file");
    }
    Provider base = Security.getProvider("SunPKCS11");
    if (base == null) {
      throw new VaultException("the JDK's SunPKCS11 provider is not available (module jdk.crypto.cryptoki)");
    }
    Provider provider;
    try {
      provider = base.configure(config(library, slotListIndex));
    } catch (RuntimeException e) {
      throw new VaultException("cannot use " + slot + ": " + rootMessage(e), e);
    }
    KeyStore store;
    try {
      store = KeyStore.getInstance("PKCS11", provider);
      store.load(null, pin);
    } catch (IOException e) {
      throw new VaultException("cannot log in to the token in " + slot + " (wrong PIN, or the PIN is locked): "
          + rootMessage(e), e);
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new VaultException("cannot open the key store of the token in " + slot + ": " + rootMessage(e), e);
    }
    checkSameLogin(library, slotListIndex, slot, pin);
    boolean fileExists = Files.exists(file);
    if (!fileExists && !create) {
      throw new VaultException("vault file " + file + " does not exist; create the vault with createIfMissing(true)");
    }
    SecretKey key = findKey(store, keyLabel, slot);
    if (key == null) {
      if (fileExists || !create) {
        throw new VaultException("the token in " + slot + " holds no key labelled '" + keyLabel + "'"
            + (fileExists ? "; the credentials in " + file + " cannot be decrypted without it" : ""));
      }
      key = generateKey(provider, store, keyLabel, slot);
    }
    if (key.getEncoded() != null) {
      throw new VaultException("the key labelled '" + keyLabel + "' in " + slot
          + " can be read out of the token; the vault needs a sensitive, non-extractable key");
    }
    Pkcs11Vault vault = new Pkcs11Vault(provider, slot, key, file);
    if (!fileExists) {
      Pkcs11Document first = vault.seal(UUID.randomUUID(), keyLabel, 0, Map.of());
      vault.versioned = VersionedFile.create(file, Pkcs11Document.FORMAT_V1, first, vault::verify);
    } else {
      VersionedFile.Snapshot<Pkcs11Document> opened = VersionedFile.read(file, Pkcs11Document.FORMAT_V1);
      Pkcs11Document doc = opened.document();
      if (!doc.keyLabel.equals(keyLabel)) {
        throw new VaultException("vault file " + file + " was written with the key labelled '" + doc.keyLabel
            + "', not '" + keyLabel + "'");
      }
      vault.verify(doc);
      vault.versioned = new VersionedFile<>(file, Pkcs11Document.FORMAT_V1, opened, vault::verify);
    }
    vault.vaultId = vault.versioned.current().vaultId;
    vault.keyLabel = keyLabel;
    return vault;
  }

  private static String config(Path library, int slotListIndex) {
    return "--name = breakglass" + PROVIDER_COUNTER.incrementAndGet() + "\n"
        + "library = \"" + library.toAbsolutePath() + "\"\n"
        + "slotListIndex = " + slotListIndex + "\n"
        + "attributes(generate, CKO_SECRET_KEY, CKK_AES) = {\n"
        + "  CKA_SENSITIVE = true\n"
        + "  CKA_EXTRACTABLE = false\n"
        + "}\n";
  }

  /**
   * Refuses a PIN that differs from the one this process first logged in to the token with. The
   * token itself no longer checks it: PKCS#11 logins last for the whole process, and a second login
   * reports "already logged in" whatever the PIN.
   */
  private static void checkSameLogin(Path library, int slotListIndex, String slot, char[] pin) {
    String token = library.toAbsolutePath().normalize() + "#" + slotListIndex;
    byte[] digest = pinDigest(pin);
    byte[] first = LOGINS.putIfAbsent(token, digest);
    if (first != null && !MessageDigest.isEqual(first, digest)) {
      throw new VaultException("cannot log in to the token in " + slot
          + " (wrong PIN: it differs from the PIN this process logged in with)");
    }
  }

  private static byte[] pinDigest(char[] pin) {
    ByteBuffer encoded = StandardCharsets.UTF_8.encode(CharBuffer.wrap(pin));
    byte[] bytes = new byte[encoded.remaining()];
    encoded.get(bytes);
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(PIN_DIGEST_KEY, "HmacSHA256"));
      return mac.doFinal(bytes);
    } catch (GeneralSecurityException e) {
      throw new VaultException("HMAC-SHA256 is not available in this JDK", e);
    } finally {
      Arrays.fill(bytes, (byte) 0);
      if (encoded.hasArray()) {
        Arrays.fill(encoded.array(), (byte) 0);
      }
    }
  }

  private static @Nullable SecretKey findKey(KeyStore store, String label, String slot) {
    try {
      Key k = store.getKey(label, null);
      if (k == null) {
        return null;
      }
      if (!(k instanceof SecretKey) || !"AES".equalsIgnoreCase(k.getAlgorithm())) {
        throw new VaultException("the object labelled '" + label + "' in " + slot + " is not an AES secret key");
      }
      return (SecretKey) k;
    } catch (GeneralSecurityException e) {
      throw new VaultException("cannot read the key labelled '" + label + "' in " + slot + ": " + rootMessage(e), e);
    }
  }

  private static SecretKey generateKey(Provider provider, KeyStore store, String label, String slot) {
    try {
      KeyGenerator generator = KeyGenerator.getInstance("AES", provider);
      generator.init(256);
      SecretKey sessionKey = generator.generateKey();
      // Storing it under a label makes a persistent token object with the same attributes.
      store.setEntry(label, new KeyStore.SecretKeyEntry(sessionKey), null);
      SecretKey stored = findKey(store, label, slot);
      if (stored == null) {
        throw new VaultException("the token in " + slot + " did not keep the generated key '" + label + "'");
      }
      return stored;
    } catch (GeneralSecurityException e) {
      throw new VaultException("cannot generate an AES-256 key in " + slot + ": " + rootMessage(e), e);
    }
  }

  @Override
  public synchronized Set<String> accounts() {
    return new TreeSet<>(current().entries.keySet());
  }

  @Override
  public synchronized Credential read(String account) {
    Objects.requireNonNull(account, "account");
    Pkcs11Document doc = current();
    Pkcs11Document.Sealed entry = doc.entries.get(account);
    if (entry == null) {
      throw new VaultException("vault " + file + " holds no credential for account '" + account + "'");
    }
    byte[] plain = decrypt(entry, Pkcs11Document.entryAad(doc.vaultId, account), "the entry for account '" + account + "'");
    try {
      return Credential.wrap(account, chars(plain));
    } finally {
      Arrays.fill(plain, (byte) 0);
    }
  }

  @Override
  public synchronized void write(String account, char[] secret) {
    Objects.requireNonNull(account, "account");
    Objects.requireNonNull(secret, "secret");
    if (account.isBlank()) {
      throw new IllegalArgumentException("account must not be blank");
    }
    ensureOpen();
    byte[] plain = utf8(secret);
    try {
      versioned.update(doc -> {
        Map<String, Pkcs11Document.Sealed> entries = new TreeMap<>(doc.entries);
        entries.put(account, encrypt(plain, Pkcs11Document.entryAad(doc.vaultId, account)));
        return seal(doc.vaultId, doc.keyLabel, doc.generation + 1, entries);
      });
    } finally {
      Arrays.fill(plain, (byte) 0);
    }
  }

  /** A document with its manifest sealed by the token. */
  private Pkcs11Document seal(UUID vaultId, String label, long generation, Map<String, Pkcs11Document.Sealed> entries) {
    Pkcs11Document unsealed = new Pkcs11Document(vaultId, label, generation, entries, new Pkcs11Document.Sealed(new byte[0], new byte[0]));
    Pkcs11Document.Sealed manifest = encrypt(unsealed.manifestDigest(), Pkcs11Document.manifestAad(vaultId));
    return new Pkcs11Document(vaultId, label, generation, entries, manifest);
  }

  private void verify(Pkcs11Document candidate) {
    for (Map.Entry<String, Pkcs11Document.Sealed> e : candidate.entries.entrySet()) {
      byte[] plain = decrypt(e.getValue(), Pkcs11Document.entryAad(candidate.vaultId, e.getKey()),
          "the entry for account '" + e.getKey() + "'");
      Arrays.fill(plain, (byte) 0);
    }
    byte[] recorded = decrypt(candidate.manifest, Pkcs11Document.manifestAad(candidate.vaultId), "the manifest");
    if (!MessageDigest.isEqual(recorded, candidate.manifestDigest())) {
      throw Pkcs11Document.corrupted(file, "its manifest does not match its entries (entries were removed,"
          + " swapped or mixed with another copy of the file)");
    }
  }

  private Pkcs11Document.Sealed encrypt(byte[] plain, byte[] aad) {
    byte[] nonce = new byte[NONCE_BYTES];
    RANDOM.nextBytes(nonce);
    try {
      Cipher cipher = Cipher.getInstance(TRANSFORMATION, provider);
      cipher.init(Cipher.ENCRYPT_MODE, requireKey(), new GCMParameterSpec(TAG_BITS, nonce));
      cipher.updateAAD(aad);
      return new Pkcs11Document.Sealed(nonce, cipher.doFinal(plain));
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new VaultException("the token in " + slotDescription + " failed to encrypt: " + rootMessage(e), e);
    }
  }

  private byte[] decrypt(Pkcs11Document.Sealed sealed, byte[] aad, String what) {
    try {
      Cipher cipher = Cipher.getInstance(TRANSFORMATION, provider);
      cipher.init(Cipher.DECRYPT_MODE, requireKey(), new GCMParameterSpec(TAG_BITS, sealed.nonce()));
      cipher.updateAAD(aad);
      return cipher.doFinal(sealed.ciphertext());
    } catch (AEADBadTagException e) {
      throw Pkcs11Document.corrupted(file, what + " fails authentication (altered, moved, or written with another key)");
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new VaultException("the token in " + slotDescription + " failed to decrypt " + what + ": " + rootMessage(e), e);
    }
  }

  private Pkcs11Document current() {
    ensureOpen();
    return versioned.current();
  }

  private SecretKey requireKey() {
    SecretKey k = key;
    if (k == null) {
      throw new VaultException("vault " + file + " is closed");
    }
    return k;
  }

  private void ensureOpen() {
    requireKey();
  }

  /** The vault's random identity, recorded in the file and bound into every entry. */
  public synchronized UUID vaultId() {
    return vaultId;
  }

  /** The file holding the encrypted credentials. */
  public Path file() {
    return file;
  }

  /** The label of the key on the token. */
  public synchronized String keyLabel() {
    return keyLabel;
  }

  /** The key handle, for tests that check it cannot be exported. */
  synchronized SecretKey key() {
    return requireKey();
  }

  /** The SunPKCS11 provider instance bound to the token. */
  Provider provider() {
    return provider;
  }

  @Override
  public synchronized void close() {
    key = null;
  }

  @Override
  public String toString() {
    return "Pkcs11Vault[" + file + ", " + slotDescription + "]";
  }

  private static String rootMessage(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String m = root.getMessage();
    return root.getClass().getSimpleName() + (m == null ? "" : ": " + m);
  }

  static byte[] utf8(char[] chars) {
    CharsetEncoder encoder = StandardCharsets.UTF_8.newEncoder()
        .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
    byte[] buffer = new byte[chars.length * 3];
    try {
      ByteBuffer out = ByteBuffer.wrap(buffer);
      CoderResult r = encoder.encode(CharBuffer.wrap(chars), out, true);
      if (!r.isUnderflow() || !encoder.flush(out).isUnderflow()) {
        throw new IllegalArgumentException("secret is not valid UTF-16 (unpaired surrogate)");
      }
      return Arrays.copyOf(buffer, out.position());
    } finally {
      Arrays.fill(buffer, (byte) 0);
    }
  }

  private char[] chars(byte[] utf8) {
    CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
    char[] buffer = new char[utf8.length];
    try {
      CharBuffer out = CharBuffer.wrap(buffer);
      CoderResult r = decoder.decode(ByteBuffer.wrap(utf8), out, true);
      if (!r.isUnderflow() || !decoder.flush(out).isUnderflow()) {
        throw Pkcs11Document.corrupted(file, "an entry is not UTF-8 text");
      }
      return Arrays.copyOf(buffer, out.position());
    } finally {
      Arrays.fill(buffer, '\0');
    }
  }
}
