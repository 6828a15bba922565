package dev.breakglass.core.vault;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.UUID;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.hpke.HPKE;

/**
 * The entries of a {@link SealedFileVault}: each credential is sealed with HPKE (base mode,
 * X25519-SHA256, HKDF-SHA256, AES-256-GCM) to the vault's unsealing public key, bound to the vault
 * id and the account; an entry is stored as {@code enc || ciphertext}. Sealing needs only the public
 * key (so rotation needs no shares); opening needs the private key rebuilt from custodian shares.
 * Stateless.
 */
final class SealedEntries {
  private static final byte[] HPKE_INFO_PREFIX = "breakglass sealed vault v1".getBytes(StandardCharsets.UTF_8);

  private SealedEntries() {}

  static byte[] seal(UUID vaultId, String account, byte[] plain, byte[] publicKey) {
    HPKE hpke = hpke();
    try {
      byte[][] sealed = hpke.seal(hpke.deserializePublicKey(publicKey), info(vaultId),
          VaultDocument.entryAad(vaultId, account), plain, null, null, null);
      byte[] ct = sealed[0];
      byte[] enc = sealed[1];
      byte[] blob = Arrays.copyOf(enc, enc.length + ct.length);
      System.arraycopy(ct, 0, blob, enc.length, ct.length);
      return blob;
    } catch (InvalidCipherTextException e) {
      throw new IllegalStateException("HPKE sealing failed", e);
    }
  }

  static byte[] open(Path file, UUID vaultId, String account, byte[] blob, byte[] privateKey, byte[] publicKey) {
    HPKE hpke = hpke();
    int encSize = hpke.getEncSize();
    if (blob.length <= encSize) {
      throw VaultDocument.corrupted(file, "the sealed entry for account '" + account + "' is too short");
    }
    byte[] enc = Arrays.copyOfRange(blob, 0, encSize);
    byte[] ct = Arrays.copyOfRange(blob, encSize, blob.length);
    try {
      AsymmetricCipherKeyPair pair = hpke.deserializePrivateKey(privateKey, publicKey);
      return hpke.open(enc, pair, info(vaultId), VaultDocument.entryAad(vaultId, account), ct, null, null, null);
    } catch (InvalidCipherTextException e) {
      throw VaultDocument.corrupted(file, "the sealed entry for account '" + account + "' fails to unseal");
    } finally {
      VaultCrypto.wipe(ct);
    }
  }

  private static byte[] info(UUID vaultId) {
    byte[] id = FileVaultStore.uuidBytes(vaultId);
    byte[] info = Arrays.copyOf(HPKE_INFO_PREFIX, HPKE_INFO_PREFIX.length + id.length);
    System.arraycopy(id, 0, info, HPKE_INFO_PREFIX.length, id.length);
    return info;
  }

  static HPKE hpke() {
    return new HPKE(HPKE.mode_base, HPKE.kem_X25519_SHA256, HPKE.kdf_HKDF_SHA256, HPKE.aead_AES_GCM256);
  }
}
