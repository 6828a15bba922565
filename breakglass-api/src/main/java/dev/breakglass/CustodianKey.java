package dev.breakglass;

import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One public key a custodian proves their identity with when the identity provider is down: a raw
 * Ed25519 or ECDSA P-256 key (held in a PKCS#11 token such as a YubiKey's PIV applet, or in a key
 * file), or a WebAuthn/FIDO2 credential (a security key or passkey). Keys are registered through
 * {@link CustodianKeys} while the identity provider is healthy; each registration is audited with
 * the public key itself, so the audit log alone is enough to re-verify approvals later.
 *
 * <pre>{@code
 * byte[] spki = carolsPublicKey.getEncoded();          // X.509 SubjectPublicKeyInfo
 * breakGlass.custodianKeys().register(
 *     CustodianKey.raw("carol", ApprovalSignature.Kind.ED25519, spki, "carol's key file"), "carol");
 * }</pre>
 *
 * <p>Immutable and thread-safe; the public key bytes are copied in and out.
 *
 * <h2>Fields</h2>
 * {@link #publicKey()} is the DER SubjectPublicKeyInfo of a raw key, or the COSE_Key (CBOR) of a
 * WebAuthn credential. {@link #rpId()} is the WebAuthn relying-party id the credential is scoped to
 * ({@code null} for raw keys). {@link #signCount()} is the highest WebAuthn signature counter seen
 * so far (0 for raw keys, and for authenticators that keep no counter).
 */
public final class CustodianKey {
  private final String custodian;
  private final String keyId;
  private final ApprovalSignature.Kind kind;
  private final byte[] publicKey;
  private final @Nullable String rpId;
  private final long signCount;
  private final String label;
  private final @Nullable Instant registeredAt;

  /**
   * A key from all its parts, as a registry stores it and reads it back. Hosts building a key to
   * register use {@link #raw} or {@link #webAuthn} instead.
   *
   * @param custodian the custodian the key belongs to
   * @param keyId the key's id ({@link #rawKeyId} for raw keys, the base64url credential id for
   *     WebAuthn)
   * @param kind the kind of key
   * @param publicKey the DER SubjectPublicKeyInfo of a raw key, or the COSE_Key of a WebAuthn
   *     credential, 1 to 2048 bytes; copied
   * @param rpId the WebAuthn relying-party id (required for WebAuthn, ignored for raw keys)
   * @param signCount the highest WebAuthn signature counter seen, 0 to 2^32-1
   * @param label a human label; blank or {@code null} gives "&lt;kind&gt; key"
   * @param registeredAt when the engine registered the key, or {@code null} before registration
   * @throws InvalidRequestException naming a blank, too long or malformed field, or a raw public key
   *     that is not of {@code kind}
   * @throws NullPointerException if {@code kind} or {@code publicKey} is {@code null}
   */
  public CustodianKey(String custodian, String keyId, ApprovalSignature.Kind kind, byte[] publicKey,
      @Nullable String rpId, long signCount, String label, @Nullable Instant registeredAt) {
    this.custodian = Identity.require("custodian", custodian);
    this.keyId = FreeText.require("keyId", keyId, ApprovalSignature.MAX_KEY_ID);
    this.kind = Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(publicKey, "publicKey");
    if (publicKey.length == 0 || publicKey.length > 2048) {
      throw new InvalidRequestException("publicKey", "must hold 1 to 2048 bytes");
    }
    this.publicKey = publicKey.clone();
    if (kind == ApprovalSignature.Kind.WEBAUTHN) {
      this.rpId = FreeText.require("rpId", rpId, 512);
    } else {
      this.rpId = null;
      toPublicKey(kind, this.publicKey);
    }
    if (signCount < 0 || signCount > 0xFFFFFFFFL) {
      throw new InvalidRequestException("signCount", "must be 0 to 2^32-1, was " + signCount);
    }
    this.signCount = signCount;
    this.label = label == null || label.isBlank() ? kind.label() + " key" : FreeText.require("label", label, 512);
    this.registeredAt = registeredAt;
  }

  /**
   * A raw Ed25519 or ECDSA P-256 public key, to be registered with
   * {@link CustodianKeys#register}. Its id is {@link #rawKeyId}, so the same key always gets the
   * same id; {@code breakglass keys public} prints the values for a key file or PKCS#11 token.
   *
   * @param custodian the custodian who holds the private key
   * @param kind {@link ApprovalSignature.Kind#ED25519} or {@link ApprovalSignature.Kind#ECDSA_P256}
   * @param subjectPublicKeyInfo the DER X.509 SubjectPublicKeyInfo ({@code PublicKey.getEncoded()})
   * @param label a human label such as "carol's YubiKey 5C", or {@code null} for a default
   * @return the key, not yet registered ({@link #registeredAt()} is {@code null})
   * @throws InvalidRequestException if {@code kind} is WebAuthn, the custodian is blank, or the bytes
   *     are not a key of that kind
   */
  public static CustodianKey raw(String custodian, ApprovalSignature.Kind kind, byte[] subjectPublicKeyInfo,
      @Nullable String label) {
    if (kind == ApprovalSignature.Kind.WEBAUTHN) {
      throw new InvalidRequestException("kind", "use CustodianKey.webAuthn(...) for WebAuthn credentials");
    }
    return new CustodianKey(custodian, rawKeyId(kind, subjectPublicKeyInfo), kind, subjectPublicKeyInfo, null, 0,
        label == null ? "" : label, null);
  }

  /**
   * A WebAuthn credential whose registration (attestation) the console, or the host's own
   * relying party, has already verified; register it with {@link CustodianKeys#register}.
   *
   * @param custodian the custodian who holds the authenticator
   * @param credentialId the credential id in unpadded base64url
   * @param coseKey the credential public key as a COSE_Key (CBOR)
   * @param rpId the relying-party id the credential is scoped to
   * @param signCount the signature counter at registration
   * @param label a human label such as "carol's YubiKey 5C", or {@code null} for a default
   * @return the key, not yet registered ({@link #registeredAt()} is {@code null})
   * @throws InvalidRequestException naming a blank, too long or malformed field
   */
  public static CustodianKey webAuthn(String custodian, String credentialId, byte[] coseKey, String rpId,
      long signCount, @Nullable String label) {
    return new CustodianKey(custodian, credentialId, ApprovalSignature.Kind.WEBAUTHN, coseKey, rpId, signCount,
        label == null ? "" : label, null);
  }

  /**
   * The id of a raw key: its kind's label, a colon, and the first 16 bytes of the SHA-256 of its
   * SubjectPublicKeyInfo in unpadded base64url, e.g. {@code ed25519:q1LdEBEn3xYzNrDk3Jq6Sg}. Signing
   * tools put it in {@link ApprovalSignature#keyId()}.
   *
   * @param kind the key's kind
   * @param subjectPublicKeyInfo the DER X.509 SubjectPublicKeyInfo
   * @return the key id
   */
  public static String rawKeyId(ApprovalSignature.Kind kind, byte[] subjectPublicKeyInfo) {
    try {
      byte[] h = MessageDigest.getInstance("SHA-256").digest(subjectPublicKeyInfo);
      return kind.label() + ":" + Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(h, 16));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 is required by every Java platform", e);
    }
  }

  /**
   * The JDK public key of a raw key, checked to be of {@code kind} (for ECDSA, on the P-256 curve);
   * verifiers use it with {@link java.security.Signature}.
   *
   * @param kind {@link ApprovalSignature.Kind#ED25519} or {@link ApprovalSignature.Kind#ECDSA_P256}
   * @param subjectPublicKeyInfo the DER X.509 SubjectPublicKeyInfo
   * @return the public key
   * @throws InvalidRequestException if the bytes are not an Ed25519 or P-256 key as {@code kind} says
   */
  public static PublicKey toPublicKey(ApprovalSignature.Kind kind, byte[] subjectPublicKeyInfo) {
    try {
      switch (kind) {
        case ED25519:
          return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(subjectPublicKeyInfo));
        case ECDSA_P256:
          PublicKey k = KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(subjectPublicKeyInfo));
          AlgorithmParameters p256 = AlgorithmParameters.getInstance("EC");
          p256.init(new ECGenParameterSpec("secp256r1"));
          ECParameterSpec want = p256.getParameterSpec(ECParameterSpec.class);
          ECParameterSpec got = ((ECPublicKey) k).getParams();
          if (!got.getOrder().equals(want.getOrder()) || !got.getCurve().equals(want.getCurve())) {
            throw new InvalidRequestException("publicKey", "is an EC key on another curve; only P-256 is accepted");
          }
          return k;
        default:
          throw new InvalidRequestException("kind", "a WebAuthn credential has no raw public key");
      }
    } catch (GeneralSecurityException | ClassCastException e) {
      throw new InvalidRequestException("publicKey", "is not a DER SubjectPublicKeyInfo of an " + kind.label() + " key");
    }
  }

  /**
   * The custodian the key belongs to; a signature made with it counts only for this custodian.
   *
   * @return the custodian's name
   */
  public String custodian() {
    return custodian;
  }

  /**
   * The key's id: {@link #rawKeyId} for raw keys, the credential id (base64url) for WebAuthn.
   *
   * @return the key id
   */
  public String keyId() {
    return keyId;
  }

  /**
   * The kind of key; a signature must be of the same kind.
   *
   * @return the key kind
   */
  public ApprovalSignature.Kind kind() {
    return kind;
  }

  /**
   * The public key bytes.
   *
   * @return a copy: the SubjectPublicKeyInfo, or the COSE_Key for WebAuthn
   */
  public byte[] publicKey() {
    return publicKey.clone();
  }

  /**
   * The WebAuthn relying-party id the credential is scoped to.
   *
   * @return the relying-party id, or {@code null} for raw keys
   */
  public @Nullable String rpId() {
    return rpId;
  }

  /**
   * The highest WebAuthn signature counter seen; an assertion whose counter does not exceed it is
   * refused as a possible clone ({@link ReasonCode#SIGNATURE_COUNTER_REGRESSED}), unless both are 0
   * (an authenticator that keeps no counter).
   *
   * @return the counter (0 for raw keys or counter-less authenticators)
   */
  public long signCount() {
    return signCount;
  }

  /**
   * A human label, e.g. "carol's YubiKey 5C", shown in key lists and audit messages.
   *
   * @return the label
   */
  public String label() {
    return label;
  }

  /**
   * When the engine registered the key.
   *
   * @return the registration time, or {@code null} before registration
   */
  public @Nullable Instant registeredAt() {
    return registeredAt;
  }

  /**
   * This key as registered at {@code at}; registries call it when they store the key.
   *
   * @param at the registration time
   * @return a copy of this key with {@link #registeredAt()} set
   * @throws NullPointerException if {@code at} is {@code null}
   */
  public CustodianKey registeredAt(Instant at) {
    return new CustodianKey(custodian, keyId, kind, publicKey, rpId, signCount, label, Objects.requireNonNull(at, "at"));
  }

  /**
   * This key with a new signature counter; registries call it after a WebAuthn assertion verifies.
   *
   * @param count the new counter, 0 to 2^32-1
   * @return a copy of this key with {@link #signCount()} set
   * @throws InvalidRequestException if {@code count} is out of range
   */
  public CustodianKey withSignCount(long count) {
    return new CustodianKey(custodian, keyId, kind, publicKey, rpId, count, label, registeredAt);
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof CustodianKey)) {
      return false;
    }
    CustodianKey k = (CustodianKey) o;
    return custodian.equals(k.custodian) && keyId.equals(k.keyId) && kind == k.kind
        && Arrays.equals(publicKey, k.publicKey) && Objects.equals(rpId, k.rpId) && signCount == k.signCount
        && label.equals(k.label) && Objects.equals(registeredAt, k.registeredAt);
  }

  @Override
  public int hashCode() {
    return Objects.hash(custodian, keyId, kind);
  }

  @Override
  public String toString() {
    return "CustodianKey[" + custodian + ", " + keyId + ", " + label + "]";
  }
}
