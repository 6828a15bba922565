package dev.breakglass.core.approval;

import dev.breakglass.ApprovalSignature;
import dev.breakglass.CustodianKey;
import dev.breakglass.Decision;
import dev.breakglass.InvalidRequestException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * How signatures and custodian keys are written into audit record details, and read back from them:
 * the one definition the engine (writing) and {@link ApprovalLogVerifier} (reading) share. Every
 * value is public (signatures, public keys, WebAuthn data), so all are declared clear in the log.
 *
 * <table>
 *   <caption>Details of a signed {@code APPROVAL_ACCEPTED} or {@code REQUEST_DENIED}</caption>
 *   <tr><td>{@code decision}</td><td>{@code approve} or {@code deny}</td></tr>
 *   <tr><td>{@code signature.kind}</td><td>{@code ed25519}, {@code ecdsa-p256} or {@code webauthn}</td></tr>
 *   <tr><td>{@code signature.key}</td><td>the key id (a WebAuthn credential id)</td></tr>
 *   <tr><td>{@code signature.signedAt}</td><td>the statement's signing time</td></tr>
 *   <tr><td>{@code signature.value}</td><td>the signature, base64url</td></tr>
 *   <tr><td>{@code signature.authenticatorData}, {@code signature.clientDataJSON}</td><td>WebAuthn only, base64url</td></tr>
 *   <tr><td>{@code signature.signCount}</td><td>WebAuthn only: the counter the assertion reported</td></tr>
 * </table>
 *
 * <p>A {@code CUSTODIAN_KEY_REGISTERED} record carries {@code custodian}, {@code keyId},
 * {@code keyKind}, {@code publicKey} (base64url), {@code keyLabel}, {@code signCount} and, for
 * WebAuthn, {@code rpId}; {@code CUSTODIAN_KEY_REMOVED} carries {@code custodian} and {@code keyId}.
 */
public final class SignatureDetails {
  public static final String DECISION = "decision";
  public static final String KIND = "signature.kind";
  public static final String KEY = "signature.key";
  public static final String SIGNED_AT = "signature.signedAt";
  public static final String VALUE = "signature.value";
  public static final String AUTHENTICATOR_DATA = "signature.authenticatorData";
  public static final String CLIENT_DATA_JSON = "signature.clientDataJSON";
  public static final String SIGN_COUNT = "signature.signCount";

  public static final String CUSTODIAN = "custodian";
  public static final String KEY_ID = "keyId";
  public static final String KEY_KIND = "keyKind";
  public static final String PUBLIC_KEY = "publicKey";
  public static final String RP_ID = "rpId";
  public static final String KEY_LABEL = "keyLabel";
  public static final String KEY_SIGN_COUNT = "signCount";

  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder B64D = Base64.getUrlDecoder();

  private SignatureDetails() {}

  /** The details of a signed decision, with the counter the signature reported. */
  public static Map<String, String> of(Decision decision, ApprovalSignature signature, long reportedCount) {
    Map<String, String> d = new LinkedHashMap<>();
    d.put(DECISION, decision.word());
    d.put(KIND, signature.kind().label());
    d.put(KEY, signature.keyId());
    d.put(SIGNED_AT, signature.signedAt().toString());
    d.put(VALUE, B64.encodeToString(signature.signature()));
    signature.authenticatorData().ifPresent(a -> d.put(AUTHENTICATOR_DATA, B64.encodeToString(a)));
    signature.clientDataJson().ifPresent(c -> d.put(CLIENT_DATA_JSON, B64.encodeToString(c)));
    if (signature.kind() == ApprovalSignature.Kind.WEBAUTHN) {
      d.put(SIGN_COUNT, Long.toString(reportedCount));
    }
    return d;
  }

  /**
   * The signature written in a record's details, if it has one.
   *
   * @throws InvalidRequestException naming the detail that is malformed
   */
  public static Optional<ApprovalSignature> signature(Map<String, String> details) {
    if (!details.containsKey(KIND)) {
      return Optional.empty();
    }
    Map<String, String> f = new LinkedHashMap<>();
    f.put("kind", details.get(KIND));
    f.put("key", details.get(KEY));
    f.put("signed-at", details.get(SIGNED_AT));
    f.put("signature", details.get(VALUE));
    if (details.containsKey(AUTHENTICATOR_DATA)) {
      f.put("authenticator-data", details.get(AUTHENTICATOR_DATA));
    }
    if (details.containsKey(CLIENT_DATA_JSON)) {
      f.put("client-data-json", details.get(CLIENT_DATA_JSON));
    }
    return Optional.of(ApprovalSignature.fromFields(f));
  }

  /** The decision a record's details name, or {@code fallback}. */
  public static Decision decision(Map<String, String> details, Decision fallback) {
    String word = details.get(DECISION);
    return word == null ? fallback : Decision.valueOf(word.toUpperCase(Locale.ROOT));
  }

  /** The details of a key registration. */
  public static Map<String, String> of(CustodianKey key) {
    Map<String, String> d = new LinkedHashMap<>();
    d.put(CUSTODIAN, key.custodian());
    d.put(KEY_ID, key.keyId());
    d.put(KEY_KIND, key.kind().label());
    d.put(PUBLIC_KEY, B64.encodeToString(key.publicKey()));
    d.put(KEY_LABEL, key.label());
    d.put(KEY_SIGN_COUNT, Long.toString(key.signCount()));
    if (key.rpId() != null) {
      d.put(RP_ID, key.rpId());
    }
    return d;
  }

  /**
   * The key a registration record describes.
   *
   * @throws InvalidRequestException naming the detail that is missing or malformed
   */
  public static CustodianKey key(Map<String, String> details, @Nullable Instant registeredAt) {
    try {
      return new CustodianKey(require(details, CUSTODIAN), require(details, KEY_ID),
          ApprovalSignature.Kind.fromLabel(require(details, KEY_KIND)), B64D.decode(require(details, PUBLIC_KEY)),
          details.get(RP_ID), Long.parseLong(details.getOrDefault(KEY_SIGN_COUNT, "0")),
          details.getOrDefault(KEY_LABEL, ""), registeredAt);
    } catch (IllegalArgumentException | DateTimeParseException e) {
      if (e instanceof InvalidRequestException) {
        throw e;
      }
      throw new InvalidRequestException("custodian key", "malformed registration details: " + e.getMessage());
    }
  }

  private static String require(Map<String, String> details, String key) {
    String v = details.get(key);
    if (v == null) {
      throw new InvalidRequestException(key, "is missing from the key registration");
    }
    return v;
  }
}
