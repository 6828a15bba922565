package dev.breakglass.core.vault;

import dev.breakglass.Credential;
import dev.breakglass.VaultException;
import dev.breakglass.spi.SealedCredentialVault;
import dev.breakglass.spi.files.VersionedFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.hpke.HPKE;
import org.bouncycastle.crypto.params.X25519PrivateKeyParameters;
import org.bouncycastle.crypto.threshold.ShamirSecretSplitter;
import org.bouncycastle.crypto.threshold.ShamirSplitSecret;
import org.bouncycastle.crypto.threshold.ShamirSplitSecretShare;

/**
 * An {@link EncryptedFileVault} whose credentials additionally need M of N custodians to read: the
 * engine alone, even with the passphrase, cannot release them.
 *
 * <h2>How it is built</h2>
 * Each credential is first encrypted to the vault's X25519 public key with HPKE (RFC 9180, base
 * mode, DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, AES-256-GCM; Bouncy Castle), then stored like any
 * entry of the passphrase vault. The matching private key (the unsealing key) exists only as Shamir
 * shares over GF(256) ({@code org.bouncycastle.crypto.threshold}), one per custodian. So:
 * <ul>
 *   <li>writing (rotation) needs the passphrase only: the public key is in the file;</li>
 *   <li>reading needs the passphrase <em>and</em> {@link #threshold()} custodian shares.</li>
 * </ul>
 * Bouncy Castle's shares carry no integrity check, so the vault file keeps, for each custodian, a
 * SHA-256 commitment binding vault id, custodian, index, threshold and share value; each share is
 * checked against it before use, and the combined key must reproduce the stored public key. A
 * wrong, altered, foreign or missing share is reported by custodian, never turned into a wrong key.
 * The combined key exists only for one {@link #read(String, Map)} and is then wiped (Bouncy
 * Castle's own key objects hold copies that cannot be wiped and become garbage at once).
 *
 * <pre>{@code
 * SealedFileVault.Created created = SealedFileVault.create(path, passphrase,
 *     Argon2Parameters.recommended(), 2, List.of("alice", "bob", "carol"));
 * for (CustodianShare share : created.shares()) {
 *   char[] paper = share.encode();   // print it for share.custodian(), then wipe
 *   share.close();
 * }
 * SealedFileVault vault = created.vault();
 * vault.write("prod-db-admin", secret);
 * try (Credential c = vault.read("prod-db-admin", Map.of("alice", aliceShare, "carol", carolShare))) {
 *   use(c.secret());
 * }
 * }</pre>
 *
 * <p>Thread-safe.
 */
public final class SealedFileVault implements SealedCredentialVault {

  private final FileVaultStore store;

  private SealedFileVault(FileVaultStore store) {
    this.store = store;
  }

  /** A new sealed vault and the shares to hand to its custodians. */
  public static final class Created {
    private final SealedFileVault vault;
    private final List<CustodianShare> shares;

    Created(SealedFileVault vault, List<CustodianShare> shares) {
      this.vault = vault;
      this.shares = Collections.unmodifiableList(shares);
    }

    /** The open vault. */
    public SealedFileVault vault() {
      return vault;
    }

    /**
     * One share per custodian, in the order the custodians were given. They exist nowhere else:
     * hand each to its custodian (for example {@link CustodianShare#encode()} printed on paper),
     * then {@linkplain CustodianShare#close() wipe} it.
     */
    public List<CustodianShare> shares() {
      return shares;
    }

    /** The share of {@code custodian}. */
    public CustodianShare share(String custodian) {
      for (CustodianShare s : shares) {
        if (s.custodian().equals(custodian)) {
          return s;
        }
      }
      throw new IllegalArgumentException("no share for custodian '" + custodian + "'");
    }
  }

  /**
   * Creates a new, empty sealed vault file and splits its unsealing key among {@code custodians}.
   *
   * @param threshold how many custodians must bring their share to read a credential, 2 to N
   * @param custodians the N custodians' names (unique, at most 255)
   * @throws IllegalArgumentException if the threshold or the custodian list is invalid
   * @throws VaultException if the file already exists or cannot be written
   */
  public static Created create(Path file, char[] passphrase, Argon2Parameters kdf, int threshold, List<String> custodians) {
    Objects.requireNonNull(passphrase, "passphrase");
    Objects.requireNonNull(kdf, "kdf");
    EncryptedFileVault.requirePassphrase(passphrase);
    List<String> names = checkCustodians(threshold, custodians);
    UUID vaultId = UUID.randomUUID();
    HPKE hpke = SealedEntries.hpke();
    AsymmetricCipherKeyPair pair = hpke.generatePrivateKey();
    byte[] privateKey = hpke.serializePrivateKey(pair.getPrivate());
    byte[] publicKey = hpke.serializePublicKey(pair.getPublic());
    List<CustodianShare> shares = new ArrayList<>();
    try {
      VaultDocument.Sealing sealing = split(vaultId, privateKey, publicKey, threshold, names, shares);
      FileVaultStore store = FileVaultStore.create(file, vaultId, passphrase, kdf, sealing);
      return new Created(new SealedFileVault(store), shares);
    } catch (RuntimeException e) {
      shares.forEach(CustodianShare::close);
      throw e;
    } finally {
      VaultCrypto.wipe(privateKey);
    }
  }

  /**
   * Opens an existing sealed vault file, throttled per file for this process. Opening needs
   * the passphrase only; reading credentials needs custodian shares.
   *
   * @throws VaultException as {@link EncryptedFileVault#open(Path, char[])} does, and if the file
   *     is not a sealed vault
   */
  public static SealedFileVault open(Path file, char[] passphrase) {
    return open(file, passphrase, UnlockThrottle.shared());
  }

  /** Like {@link #open(Path, char[])} with an explicit throttle. */
  static SealedFileVault open(Path file, char[] passphrase, UnlockThrottle throttle) {
    Objects.requireNonNull(passphrase, "passphrase");
    return new SealedFileVault(FileVaultStore.open(file, passphrase, throttle, true));
  }

  /**
   * Whether {@code file} holds a vault sealed by custodians (open it with this class) rather than a
   * plain {@link EncryptedFileVault}. Reads the file's structure only; needs no passphrase.
   *
   * @throws VaultException if the file is missing, unreadable or not a vault file
   */
  public static boolean isSealed(Path file) {
    Path path = file.toAbsolutePath().normalize();
    return VersionedFile.read(path, VaultDocument.FORMAT_V1).document().sealing != null;
  }

  private static List<String> checkCustodians(int threshold, List<String> custodians) {
    Objects.requireNonNull(custodians, "custodians");
    Set<String> unique = new LinkedHashSet<>();
    for (String name : custodians) {
      CustodianShare.requireCustodianName(name);
      if (!unique.add(name)) {
        throw new IllegalArgumentException("custodian '" + name + "' is listed twice");
      }
    }
    if (unique.size() > 255) {
      throw new IllegalArgumentException("at most 255 custodians, got " + unique.size());
    }
    if (threshold < 2 || threshold > unique.size()) {
      throw new IllegalArgumentException("threshold must be 2.." + unique.size() + " for " + unique.size()
          + " custodian(s), was " + threshold + " (a sealed vault always needs two people)");
    }
    return List.copyOf(unique);
  }

  /** Splits {@code privateKey} into shares (added to {@code out}) and returns the sealing record. */
  private static VaultDocument.Sealing split(UUID vaultId, byte[] privateKey, byte[] publicKey, int threshold,
      List<String> names, List<CustodianShare> out) {
    ShamirSplitSecret split = ShamirSecretSplitter
        .getInstance(ShamirSecretSplitter.Algorithm.AES, privateKey.length, VaultCrypto.random())
        .resplit(privateKey.clone(), threshold, names.size());
    ShamirSplitSecretShare[] raw = split.getSecretShares();
    List<VaultDocument.Custodian> records = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      int index = i + 1;
      byte[] value = encoded(raw[i]);
      CustodianShare share = new CustodianShare(vaultId, names.get(i), index, threshold, names.size(), value);
      out.add(share);
      records.add(new VaultDocument.Custodian(names.get(i), index,
          VaultDocument.shareCommitment(vaultId, names.get(i), index, threshold, value)));
    }
    return new VaultDocument.Sealing(threshold, publicKey.clone(), records);
  }

  private static byte[] encoded(ShamirSplitSecretShare share) {
    try {
      return share.getEncoded();
    } catch (java.io.IOException e) {
      throw new IllegalStateException("cannot encode a Shamir share", e);
    }
  }

  @Override
  public int threshold() {
    return store.sealing().threshold();
  }

  @Override
  public Set<String> custodians() {
    Set<String> names = new LinkedHashSet<>();
    for (VaultDocument.Custodian c : store.sealing().custodians()) {
      names.add(c.name());
    }
    return Collections.unmodifiableSet(names);
  }

  @Override
  public Set<String> accounts() {
    return store.accounts();
  }

  /**
   * Always fails: a sealed vault reads only with custodian shares ({@link #read(String, Map)}).
   *
   * @throws VaultException saying how many shares are needed, or that the account is unknown
   */
  @Override
  public Credential read(String account) {
    Objects.requireNonNull(account, "account");
    if (!store.contains(account)) {
      throw store.unknownAccount(account);
    }
    throw new VaultException("vault " + store.file() + " is sealed: reading the credential of '" + account
        + "' needs the shares of " + threshold() + " of its custodians " + custodians());
  }

  @Override
  public Credential read(String account, Map<String, char[]> sharesByCustodian) {
    Objects.requireNonNull(account, "account");
    Objects.requireNonNull(sharesByCustodian, "sharesByCustodian");
    if (!store.contains(account)) {
      throw store.unknownAccount(account);
    }
    VaultDocument.Sealing sealing = store.sealing();
    UUID vaultId = store.vaultId();
    byte[] privateKey = unseal(sharesByCustodian, sealing, vaultId);
    byte[] blob = null;
    byte[] plain = null;
    try {
      blob = store.read(account);
      plain = SealedEntries.open(store.file(), vaultId, account, blob, privateKey, sealing.publicKey());
      return Credential.wrap(account, VaultCrypto.chars(plain));
    } catch (IllegalArgumentException e) {
      throw VaultDocument.corrupted(store.file(), "the entry for account '" + account + "' is not UTF-8 text");
    } finally {
      VaultCrypto.wipe(privateKey, blob, plain);
    }
  }

  /**
   * Checks that the given shares open this vault, without reading any credential: for drills and
   * for custodians who want to know their paper share is still good.
   *
   * @throws VaultException exactly as {@link #read(String, Map)} would for these shares
   */
  public void checkShares(Map<String, char[]> sharesByCustodian) {
    Objects.requireNonNull(sharesByCustodian, "sharesByCustodian");
    VaultCrypto.wipe(unseal(sharesByCustodian, store.sealing(), store.vaultId()));
  }

  /**
   * Replaces the custodians, the threshold, or both: unseals with the current shares, moves every
   * credential to a new unsealing key in one atomic write, and returns the new shares. Old shares
   * no longer open the vault.
   *
   * @throws VaultException if the current shares do not open the vault or the file cannot be
   *     written; the vault is then unchanged
   * @throws IllegalArgumentException if the new threshold or custodian list is invalid
   */
  public List<CustodianShare> reseal(Map<String, char[]> currentShares, int threshold, List<String> custodians) {
    Objects.requireNonNull(currentShares, "currentShares");
    List<String> names = checkCustodians(threshold, custodians);
    VaultDocument.Sealing old = store.sealing();
    UUID vaultId = store.vaultId();
    byte[] oldKey = unseal(currentShares, old, vaultId);
    HPKE hpke = SealedEntries.hpke();
    AsymmetricCipherKeyPair pair = hpke.generatePrivateKey();
    byte[] newPrivate = hpke.serializePrivateKey(pair.getPrivate());
    byte[] newPublic = hpke.serializePublicKey(pair.getPublic());
    List<CustodianShare> shares = new ArrayList<>();
    try {
      VaultDocument.Sealing sealing = split(vaultId, newPrivate, newPublic, threshold, names, shares);
      store.rewriteAll(sealing, (account, blob) -> {
        byte[] plain = SealedEntries.open(store.file(), vaultId, account, blob, oldKey, old.publicKey());
        try {
          return SealedEntries.seal(vaultId, account, plain, newPublic);
        } finally {
          VaultCrypto.wipe(plain);
        }
      });
      return shares;
    } catch (RuntimeException e) {
      shares.forEach(CustodianShare::close);
      throw e;
    } finally {
      VaultCrypto.wipe(oldKey, newPrivate);
    }
  }

  /**
   * Stores the credential, encrypted to the vault's public key: needs no custodian. The caller
   * keeps and wipes {@code secret}.
   */
  @Override
  public void write(String account, char[] secret) {
    Objects.requireNonNull(account, "account");
    Objects.requireNonNull(secret, "secret");
    byte[] plain = VaultCrypto.utf8(secret);
    byte[] blob = null;
    try {
      blob = SealedEntries.seal(store.vaultId(), account, plain, store.sealing().publicKey());
      store.write(account, blob);
    } finally {
      VaultCrypto.wipe(plain, blob);
    }
  }

  /**
   * Verifies every share and combines them into the unsealing key; the caller wipes the result.
   * Shares are checked in custodian order so the same input always reports the same error.
   */
  private byte[] unseal(Map<String, char[]> sharesByCustodian, VaultDocument.Sealing sealing, UUID vaultId) {
    List<CustodianShare> parsed = new ArrayList<>();
    try {
      for (Map.Entry<String, char[]> e : new TreeMap<>(sharesByCustodian).entrySet()) {
        String presentedBy = Objects.requireNonNull(e.getKey(), "custodian");
        char[] text = Objects.requireNonNull(e.getValue(), () -> "share of " + presentedBy);
        CustodianShare share;
        try {
          share = CustodianShare.parse(text);
        } catch (ShareFormatException ex) {
          throw new ShareFormatException("the share presented by '" + presentedBy + "' cannot be read: "
              + ex.getMessage(), ex.group());
        }
        parsed.add(share);
        verify(presentedBy, share, sealing, vaultId);
      }
      if (parsed.size() < sealing.threshold()) {
        List<String> from = new ArrayList<>();
        parsed.forEach(s -> from.add(s.custodian()));
        throw new VaultException("unsealing vault " + store.file() + " needs the shares of " + sealing.threshold()
            + " custodians, got " + parsed.size() + (from.isEmpty() ? "" : " " + from));
      }
      parsed.sort(Comparator.comparingInt(CustodianShare::index));
      ShamirSplitSecretShare[] pieces = new ShamirSplitSecretShare[sealing.threshold()];
      for (int i = 0; i < pieces.length; i++) {
        pieces[i] = new ShamirSplitSecretShare(parsed.get(i).value().clone(), parsed.get(i).index());
      }
      byte[] key;
      try {
        key = ShamirSplitSecret.getInstance(ShamirSecretSplitter.Algorithm.AES, pieces).getSecret();
      } catch (java.io.IOException ex) {
        throw new VaultException("cannot combine the custodian shares of vault " + store.file(), ex);
      }
      byte[] derived = new X25519PrivateKeyParameters(key).generatePublicKey().getEncoded();
      if (!VaultCrypto.constantTimeEquals(derived, sealing.publicKey())) {
        VaultCrypto.wipe(key);
        throw new VaultException("the custodian shares of vault " + store.file()
            + " combine to a key that does not match the vault's public key");
      }
      return key;
    } finally {
      parsed.forEach(CustodianShare::close);
    }
  }

  private void verify(String presentedBy, CustodianShare share, VaultDocument.Sealing sealing, UUID vaultId) {
    if (!share.vaultId().equals(vaultId)) {
      throw CustodianShare.foreign(presentedBy, share, vaultId);
    }
    if (!share.custodian().equals(presentedBy)) {
      throw new VaultException("the share presented by '" + presentedBy + "' is the share of custodian '"
          + share.custodian() + "'");
    }
    VaultDocument.Custodian record = sealing.custodian(presentedBy);
    if (record == null) {
      Set<String> names = new TreeSet<>();
      sealing.custodians().forEach(c -> names.add(c.name()));
      throw new VaultException("'" + presentedBy + "' is not a custodian of vault " + store.file()
          + " (its custodians: " + names + ")");
    }
    byte[] commitment = VaultDocument.shareCommitment(vaultId, presentedBy, share.index(), share.threshold(),
        share.value());
    if (record.index() != share.index() || share.threshold() != sealing.threshold()
        || !VaultCrypto.constantTimeEquals(commitment, record.commitment())) {
      throw new VaultException("the share of custodian '" + presentedBy + "' does not match vault " + store.file()
          + " (a wrong or altered share, or one replaced by a reseal)");
    }
  }

  /**
   * Re-encrypts the data key under a new passphrase; credentials and shares are kept.
   *
   * @throws VaultException if the file cannot be written; the old passphrase then still works
   */
  public void changePassphrase(char[] newPassphrase, Argon2Parameters kdf) {
    EncryptedFileVault.requirePassphrase(newPassphrase);
    store.changePassphrase(newPassphrase, Objects.requireNonNull(kdf, "kdf"));
  }

  /** The vault's random identity, recorded in the file and in every share. */
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

  /** Wipes the data key; later calls fail. Idempotent. */
  @Override
  public void close() {
    store.close();
  }

  @Override
  public String toString() {
    return "SealedFileVault[" + store.file() + ", id=" + store.vaultId() + "]";
  }
}
