package dev.breakglass;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A custodian's signature over an {@link ApprovalStatement}: the proof, checkable by anyone holding
 * the custodian's registered public key, that this custodian took this decision about this request.
 * Attach it with {@link Approval#withSignature} or {@link Denial#withSignature}; the engine verifies
 * it against the custodian's {@linkplain CustodianKeys registered keys} and the audit log keeps it,
 * so every approval can be re-verified offline later ({@code breakglass verify}).
 *
 * <p>Two shapes:
 * <ul>
 *   <li>{@link #raw}: an Ed25519 or ECDSA P-256 signature over {@link ApprovalStatement#bytes()},
 *       made by a key file or a PKCS#11 token (a YubiKey's PIV applet, an HSM), for example with
 *       {@code breakglass approve}.</li>
 *   <li>{@link #webAuthn}: a WebAuthn/FIDO2 assertion (a security key or passkey touched in the
 *       approval console) whose challenge is {@link ApprovalStatement#webAuthnChallenge()}.</li>
 * </ul>
 *
 * <p>A signature is not a secret; {@link #toText()} and {@link #parse} carry it between tools as
 * text. Immutable and thread-safe: byte arrays are copied in and out.
 */
public final class ApprovalSignature {
  /** The kind of key that made a signature. */
  public enum Kind {
    /** Ed25519 (RFC 8032) over the statement bytes. */
    ED25519,
    /** ECDSA on P-256 with SHA-256 over the statement bytes, DER-encoded. */
    ECDSA_P256,
    /** A WebAuthn assertion whose challenge is the SHA-256 of the statement bytes. */
    WEBAUTHN;

    /**
     * The lower-case name used in text forms, key ids and configuration: {@code ed25519},
     * {@code ecdsa-p256} or {@code webauthn}. {@link #fromLabel} reads it back.
     *
     * @return this kind's label
     */
    public String label() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /**
     * The kind named by {@link #label()} or by the enum name, ignoring case and surrounding blanks;
     * use it to read a kind from a command-line option or a text form.
     *
     * @param label {@code ed25519}, {@code ecdsa-p256} or {@code webauthn} (or {@code ECDSA_P256}, ...)
     * @return the kind it names
     * @throws IllegalArgumentException naming the accepted labels if {@code label} names no kind
     */
    public static Kind fromLabel(String label) {
      for (Kind k : values()) {
        if (k.label().equalsIgnoreCase(label.strip()) || k.name().equalsIgnoreCase(label.strip())) {
          return k;
        }
      }
      throw new IllegalArgumentException("unknown key kind '" + label + "': use ed25519, ecdsa-p256 or webauthn");
    }
  }

  /** The most characters a key id may have. */
  static final int MAX_KEY_ID = 512;

  /** The first line of {@link #toText()}. */
  public static final String TEXT_HEADER = "breakglass-signature-v1";

  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder B64D = Base64.getUrlDecoder();

  private final Kind kind;
  private final String keyId;
  private final Instant signedAt;
  private final byte[] signature;
  private final byte @Nullable [] authenticatorData;
  private final byte @Nullable [] clientDataJson;

  private ApprovalSignature(Kind kind, String keyId, Instant signedAt, byte[] signature,
      byte @Nullable [] authenticatorData, byte @Nullable [] clientDataJson) {
    this.kind = Objects.requireNonNull(kind, "kind");
    this.keyId = FreeText.require("keyId", keyId, MAX_KEY_ID);
    this.signedAt = Objects.requireNonNull(signedAt, "signedAt").truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    this.signature = requireBytes("signature", signature, 1024);
    this.authenticatorData = authenticatorData == null ? null : requireBytes("authenticatorData", authenticatorData, 4096);
    this.clientDataJson = clientDataJson == null ? null : requireBytes("clientDataJSON", clientDataJson, 4096);
  }

  private static byte[] requireBytes(String field, byte[] value, int max) {
    Objects.requireNonNull(value, field);
    if (value.length == 0 || value.length > max) {
      throw new InvalidRequestException(field, "must hold 1 to " + max + " bytes, held " + value.length);
    }
    return value.clone();
  }

  /**
   * A raw Ed25519 or ECDSA P-256 signature over {@link ApprovalStatement#bytes()}. Build the
   * statement with {@link ApprovalStatement#of}, sign its bytes with the custodian's private key
   * (a key file, a PKCS#11 token), then wrap the result here and attach it to the decision with
   * {@link Approval#withSignature} or {@link Denial#withSignature}.
   *
   * @param kind {@link Kind#ED25519} or {@link Kind#ECDSA_P256}, the kind of the signing key
   * @param keyId the registered key's id ({@link CustodianKey#keyId()})
   * @param signedAt the statement's {@link ApprovalStatement#signedAt()} (kept in whole seconds)
   * @param signature the signature bytes: 64 bytes for Ed25519, DER-encoded for ECDSA; copied
   * @return the signature, not yet verified (the engine verifies it when the decision arrives)
   * @throws IllegalArgumentException for {@link Kind#WEBAUTHN} (use {@link #webAuthn})
   * @throws InvalidRequestException naming the field if {@code keyId} is blank or the signature is
   *     empty or longer than 1024 bytes
   * @throws NullPointerException if an argument is {@code null}
   */
  public static ApprovalSignature raw(Kind kind, String keyId, Instant signedAt, byte[] signature) {
    if (kind == Kind.WEBAUTHN) {
      throw new IllegalArgumentException("a WebAuthn signature needs its authenticatorData and clientDataJSON:"
          + " use ApprovalSignature.webAuthn(...)");
    }
    return new ApprovalSignature(kind, keyId, signedAt, signature, null, null);
  }

  /**
   * A WebAuthn assertion, as the browser returned it from {@code navigator.credentials.get} with
   * {@link ApprovalStatement#webAuthnChallenge()} as the challenge. The approval console builds
   * these; call it yourself only when you run the WebAuthn ceremony in your own front end.
   *
   * @param credentialId the credential's id in unpadded base64url (the registered key's id)
   * @param signedAt the statement's {@link ApprovalStatement#signedAt()} (the challenge binds it)
   * @param authenticatorData the assertion's {@code authenticatorData}, unchanged; copied
   * @param clientDataJson the assertion's {@code clientDataJSON}, byte for byte as the browser made
   *     it; copied
   * @param signature the assertion's {@code signature}; copied
   * @return the signature, not yet verified (the engine verifies it when the decision arrives)
   * @throws InvalidRequestException naming the field if {@code credentialId} is blank, the signature
   *     is empty or over 1024 bytes, or the authenticator or client data is empty or over 4096 bytes
   * @throws NullPointerException if an argument is {@code null}
   */
  public static ApprovalSignature webAuthn(String credentialId, Instant signedAt, byte[] authenticatorData,
      byte[] clientDataJson, byte[] signature) {
    return new ApprovalSignature(Kind.WEBAUTHN, credentialId, signedAt, signature,
        Objects.requireNonNull(authenticatorData, "authenticatorData"),
        Objects.requireNonNull(clientDataJson, "clientDataJSON"));
  }

  /**
   * The kind of key that made this signature; it must match the kind of the registered key.
   *
   * @return the key kind
   */
  public Kind kind() {
    return kind;
  }

  /**
   * The id of the key that signed: a raw key's id, or a WebAuthn credential id (base64url). The
   * engine looks the key up by this id among the approver's {@linkplain CustodianKeys registered
   * keys}.
   *
   * @return the key id
   */
  public String keyId() {
    return keyId;
  }

  /**
   * The signing time the statement carries, in whole seconds; {@link #statement} uses it to
   * rebuild the signed statement.
   *
   * @return the signing time
   */
  public Instant signedAt() {
    return signedAt;
  }

  /**
   * The signature bytes.
   *
   * @return a copy of the signature bytes
   */
  public byte[] signature() {
    return signature.clone();
  }

  /**
   * WebAuthn only: the authenticator data, which carries the relying-party hash, the flags and the
   * signature counter.
   *
   * @return a copy of the authenticator data, or empty for a raw signature
   */
  public Optional<byte[]> authenticatorData() {
    return Optional.ofNullable(authenticatorData).map(byte[]::clone);
  }

  /**
   * WebAuthn only: the client data JSON exactly as the browser produced it (it names the challenge
   * and the origin).
   *
   * @return a copy of the client data JSON, or empty for a raw signature
   */
  public Optional<byte[]> clientDataJson() {
    return Optional.ofNullable(clientDataJson).map(byte[]::clone);
  }

  /**
   * The statement this signature claims to be over, for the given grant, digest, approver and
   * decision, with this signature's {@link #signedAt()}. Verifiers rebuild the statement this way
   * from the decision they received, so a signature made for another grant, request, custodian or
   * decision does not verify.
   *
   * @param grantId the grant the decision is about
   * @param requestDigest the request's digest ({@link EmergencyAccessGrant#requestDigest()})
   * @param approver the custodian who decides
   * @param decision approve or deny
   * @return the statement
   * @throws InvalidRequestException naming the field if a value is blank or malformed
   */
  public ApprovalStatement statement(String grantId, String requestDigest, String approver, Decision decision) {
    return ApprovalStatement.of(grantId, requestDigest, approver, decision, signedAt);
  }

  /**
   * The signature as text, one {@code name: value} line each, binary values in unpadded base64url:
   * <pre>
   * breakglass-signature-v1
   * kind: ed25519
   * key: ed25519:Xq3...
   * signed-at: 2026-11-28T09:01:30Z
   * signature: 9f2...
   * </pre>
   * WebAuthn signatures add {@code authenticator-data} and {@code client-data-json}. Use it to hand a
   * signature from {@code breakglass approve} to the console or a ticket; {@link #parse} reads it back.
   *
   * @return the text form, ending in a newline
   */
  public String toText() {
    StringBuilder b = new StringBuilder(TEXT_HEADER).append('\n');
    fields().forEach((k, v) -> b.append(k).append(": ").append(v).append('\n'));
    return b.toString();
  }

  /**
   * The fields of {@link #toText()} by name, in order, for carrying a signature in JSON or in audit
   * details; {@link #fromFields} reads them back.
   *
   * @return a new modifiable map of field names to values
   */
  public Map<String, String> fields() {
    Map<String, String> f = new LinkedHashMap<>();
    f.put("kind", kind.label());
    f.put("key", keyId);
    f.put("signed-at", signedAt.toString());
    f.put("signature", B64.encodeToString(signature));
    if (authenticatorData != null) {
      f.put("authenticator-data", B64.encodeToString(authenticatorData));
    }
    if (clientDataJson != null) {
      f.put("client-data-json", B64.encodeToString(clientDataJson));
    }
    return f;
  }

  /**
   * Reads {@link #toText()}'s form back (lines before the header and blank lines are ignored), for
   * example a signature pasted from {@code breakglass approve}.
   *
   * @param text the text form
   * @return the signature, not yet verified
   * @throws InvalidRequestException naming the missing or malformed line or field
   * @throws NullPointerException if {@code text} is {@code null}
   */
  public static ApprovalSignature parse(String text) {
    Objects.requireNonNull(text, "text");
    Map<String, String> f = new LinkedHashMap<>();
    boolean inside = false;
    for (String line : text.split("\r?\n")) {
      if (line.isBlank()) {
        continue;
      }
      if (!inside) {
        inside = line.strip().equals(TEXT_HEADER);
        continue;
      }
      int colon = line.indexOf(':');
      if (colon <= 0) {
        throw new InvalidRequestException("signature", "line '" + line.strip() + "' is not 'name: value'");
      }
      f.put(line.substring(0, colon).strip(), line.substring(colon + 1).strip());
    }
    if (!inside) {
      throw new InvalidRequestException("signature", "no '" + TEXT_HEADER + "' line");
    }
    return fromFields(f);
  }

  /**
   * A signature from {@link #fields()}' names and values.
   *
   * @param f the fields: {@code kind}, {@code key}, {@code signed-at}, {@code signature}, and for
   *     WebAuthn {@code authenticator-data} and {@code client-data-json}; binary values in base64url
   * @return the signature, not yet verified
   * @throws InvalidRequestException naming the missing or malformed field ({@code signature.<name>})
   */
  public static ApprovalSignature fromFields(Map<String, String> f) {
    Kind kind;
    try {
      kind = Kind.fromLabel(field(f, "kind"));
    } catch (IllegalArgumentException e) {
      throw new InvalidRequestException("signature.kind", e.getMessage());
    }
    Instant at;
    try {
      at = Instant.parse(field(f, "signed-at"));
    } catch (DateTimeParseException e) {
      throw new InvalidRequestException("signature.signed-at", "must be an ISO-8601 instant such as 2026-11-28T09:01:30Z");
    }
    byte[] sig = bytes(f, "signature");
    if (kind == Kind.WEBAUTHN) {
      return webAuthn(field(f, "key"), at, bytes(f, "authenticator-data"), bytes(f, "client-data-json"), sig);
    }
    return raw(kind, field(f, "key"), at, sig);
  }

  private static String field(Map<String, String> f, String name) {
    String v = f.get(name);
    if (v == null || v.isBlank()) {
      throw new InvalidRequestException("signature." + name, "is missing");
    }
    return v;
  }

  private static byte[] bytes(Map<String, String> f, String name) {
    try {
      return B64D.decode(field(f, name));
    } catch (IllegalArgumentException e) {
      throw new InvalidRequestException("signature." + name, "is not base64url");
    }
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof ApprovalSignature)) {
      return false;
    }
    ApprovalSignature s = (ApprovalSignature) o;
    return kind == s.kind && keyId.equals(s.keyId) && signedAt.equals(s.signedAt) && Arrays.equals(signature, s.signature)
        && Arrays.equals(authenticatorData, s.authenticatorData) && Arrays.equals(clientDataJson, s.clientDataJson);
  }

  @Override
  public int hashCode() {
    return Objects.hash(kind, keyId, signedAt, Arrays.hashCode(signature));
  }

  @Override
  public String toString() {
    return "ApprovalSignature[" + kind.label() + ", key=" + keyId + ", signedAt=" + signedAt + "]";
  }
}
