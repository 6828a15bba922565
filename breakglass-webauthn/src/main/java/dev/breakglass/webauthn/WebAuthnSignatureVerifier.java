package dev.breakglass.webauthn;

import com.webauthn4j.WebAuthnManager;
import com.webauthn4j.credential.CredentialRecordImpl;
import com.webauthn4j.data.AuthenticationData;
import com.webauthn4j.data.AuthenticationParameters;
import com.webauthn4j.data.AuthenticationRequest;
import com.webauthn4j.data.attestation.statement.NoneAttestationStatement;
import com.webauthn4j.data.client.Origin;
import com.webauthn4j.data.client.challenge.DefaultChallenge;
import com.webauthn4j.server.ServerProperty;
import com.webauthn4j.verifier.exception.BadChallengeException;
import com.webauthn4j.verifier.exception.BadOriginException;
import com.webauthn4j.verifier.exception.BadRpIdException;
import com.webauthn4j.verifier.exception.MaliciousCounterValueException;
import com.webauthn4j.verifier.exception.UserNotVerifiedException;
import dev.breakglass.AccessDeniedException;
import dev.breakglass.ApprovalSignature;
import dev.breakglass.ApprovalStatement;
import dev.breakglass.CustodianKey;
import dev.breakglass.ReasonCode;
import dev.breakglass.spi.ApprovalSignatureVerifier;
import java.net.URI;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * Verifies the WebAuthn assertion that signs an approval, with webauthn4j: the client data is a
 * {@code webauthn.get} whose challenge is {@link ApprovalStatement#webAuthnChallenge()} (otherwise
 * {@link ReasonCode#ASSERTION_REPLAYED}), made at an allowed origin for the credential's RP id
 * ({@link ReasonCode#WRONG_ORIGIN}), with user presence (and user verification where required),
 * signed by the registered credential ({@link ReasonCode#SIGNATURE_INVALID}). It returns the
 * authenticator's signature counter; the engine keeps the counter and refuses one that does not
 * grow.
 *
 * <pre>{@code
 * ApprovalSignatureVerifier online = WebAuthnSignatureVerifier.online("ops.example.com",
 *     Set.of("https://ops.example.com"), true);
 * ApprovalSignatureVerifier offline = WebAuthnSignatureVerifier.offline();   // breakglass verify
 * }</pre>
 *
 * <p>Offline, no origin is configured: the origin in the client data must then be an https origin
 * (or {@code http://localhost}) whose host is the credential's RP id or below it, as browsers
 * enforce. Thread-safe.
 */
public final class WebAuthnSignatureVerifier implements ApprovalSignatureVerifier {
  private static final Base64.Decoder B64D = Base64.getUrlDecoder();

  private final WebAuthnManager manager = WebAuthnManager.createNonStrictWebAuthnManager(WebAuthnCredentials.CONVERTER);
  private final @Nullable String rpId;
  private final Set<String> origins;
  private final boolean userVerification;

  private WebAuthnSignatureVerifier(@Nullable String rpId, Set<String> origins, boolean userVerification) {
    this.rpId = rpId;
    this.origins = Set.copyOf(origins);
    this.userVerification = userVerification;
  }

  /**
   * A verifier for the engine of one console.
   *
   * @param rpId the relying-party id (the console's host name, e.g. {@code ops.example.com})
   * @param origins the console's origins exactly as browsers send them ({@code https://ops.example.com})
   * @param userVerification whether the authenticator must have verified the user (PIN, biometrics),
   *     not only their presence
   */
  public static WebAuthnSignatureVerifier online(String rpId, Set<String> origins, boolean userVerification) {
    Objects.requireNonNull(rpId, "rpId");
    if (origins.isEmpty()) {
      throw new IllegalArgumentException("at least one origin is required");
    }
    Set<String> normalized = new LinkedHashSet<>();
    for (String o : origins) {
      normalized.add(o.strip().replaceAll("/+$", ""));
    }
    return new WebAuthnSignatureVerifier(rpId, normalized, userVerification);
  }

  /** A verifier for re-verifying a log: origins are checked against each credential's RP id. */
  public static WebAuthnSignatureVerifier offline() {
    return new WebAuthnSignatureVerifier(null, Set.of(), false);
  }

  @Override
  public ApprovalSignature.Kind kind() {
    return ApprovalSignature.Kind.WEBAUTHN;
  }

  @Override
  public long verify(ApprovalSignature signature, CustodianKey key, ApprovalStatement statement) {
    if (signature.kind() != ApprovalSignature.Kind.WEBAUTHN || key.kind() != ApprovalSignature.Kind.WEBAUTHN) {
      throw refuse(ReasonCode.SIGNATURE_INVALID, "a " + signature.kind().label() + " signature cannot be checked"
          + " with the " + key.kind().label() + " key " + key.keyId());
    }
    return verifyAssertion(key, statement.webAuthnChallenge(), signature.authenticatorData().orElseThrow(),
        signature.clientDataJson().orElseThrow(), signature.signature(), "this request: it was made for another"
            + " request, custodian, decision or time (grant " + statement.grantId() + ")");
  }

  /**
   * Verifies an assertion made with {@code challenge} by the registered credential {@code key}: the
   * check behind {@link #verify} for anything else a console asks a security key to prove, such as
   * signing in while the identity provider is down. The caller compares the returned signature
   * counter with the last one it saw.
   *
   * @return the authenticator's signature counter
   * @throws AccessDeniedException with {@link ReasonCode#ASSERTION_REPLAYED} (another challenge),
   *     {@link ReasonCode#WRONG_ORIGIN} or {@link ReasonCode#SIGNATURE_INVALID}
   */
  public long verifyAssertion(CustodianKey key, byte[] challenge, byte[] authenticatorData, byte[] clientData,
      byte[] signatureBytes) {
    if (key.kind() != ApprovalSignature.Kind.WEBAUTHN) {
      throw refuse(ReasonCode.SIGNATURE_INVALID, "the " + key.kind().label() + " key " + key.keyId()
          + " is not a security key");
    }
    return verifyAssertion(key, challenge, authenticatorData, clientData, signatureBytes, "this sign-in");
  }

  private long verifyAssertion(CustodianKey key, byte[] challenge, byte[] authenticatorData, byte[] clientData,
      byte[] signatureBytes, String what) {
    String keyRpId = Objects.requireNonNull(key.rpId(), "rpId");
    JsonNode cd;
    try {
      cd = WebAuthnCredentials.CONVERTER.getJsonMapper().readTree(clientData);
    } catch (RuntimeException e) {
      throw refuse(ReasonCode.SIGNATURE_INVALID, "the client data of the assertion is not JSON");
    }
    if (!"webauthn.get".equals(cd.path("type").asString(""))) {
      throw refuse(ReasonCode.SIGNATURE_INVALID, "the client data is of type '" + cd.path("type").asString("")
          + "', not an assertion (webauthn.get)");
    }
    String expected = Base64.getUrlEncoder().withoutPadding().encodeToString(challenge);
    if (!expected.equals(cd.path("challenge").asString(""))) {
      throw refuse(ReasonCode.ASSERTION_REPLAYED, "the assertion's challenge does not bind " + what);
    }
    String origin = cd.path("origin").asString("");
    if (rpId != null && !rpId.equals(keyRpId)) {
      throw refuse(ReasonCode.WRONG_ORIGIN, "credential " + key.keyId() + " was registered for RP id '" + keyRpId
          + "', this console is '" + rpId + "'");
    }
    if (rpId != null ? !origins.contains(origin) : !originFitsRpId(origin, keyRpId)) {
      throw refuse(ReasonCode.WRONG_ORIGIN, "the assertion was made at origin '" + origin + "', which is not "
          + (rpId != null ? "one of " + origins : "a secure origin of RP id '" + keyRpId + "'"));
    }
    byte[] credentialId;
    try {
      credentialId = B64D.decode(key.keyId());
    } catch (IllegalArgumentException e) {
      throw refuse(ReasonCode.SIGNATURE_INVALID, "credential id " + key.keyId() + " is not base64url");
    }
    try {
      CredentialRecordImpl record = new CredentialRecordImpl(new NoneAttestationStatement(), null, null, null, 0,
          WebAuthnCredentials.credential(credentialId, key.publicKey()), null, null, null, null);
      ServerProperty server = ServerProperty.builder().origin(new Origin(origin)).rpId(keyRpId)
          .challenge(new DefaultChallenge(challenge)).build();
      AuthenticationData data = manager.verify(
          new AuthenticationRequest(credentialId, null, authenticatorData, clientData, null, signatureBytes),
          new AuthenticationParameters(server, record, List.of(credentialId), userVerification, true));
      return data.getAuthenticatorData().getSignCount();
    } catch (BadChallengeException e) {
      throw refuse(ReasonCode.ASSERTION_REPLAYED, "the assertion's challenge does not bind " + what);
    } catch (BadOriginException | BadRpIdException e) {
      throw refuse(ReasonCode.WRONG_ORIGIN, "the assertion was made for another origin or RP id than '" + keyRpId
          + "' (" + e.getClass().getSimpleName() + ")");
    } catch (MaliciousCounterValueException e) {
      throw refuse(ReasonCode.SIGNATURE_COUNTER_REGRESSED, "the signature counter went backwards");
    } catch (UserNotVerifiedException e) {
      throw refuse(ReasonCode.SIGNATURE_INVALID, "the authenticator did not verify the user (PIN or biometrics),"
          + " which this console requires");
    } catch (AccessDeniedException e) {
      throw e;
    } catch (RuntimeException e) {
      throw refuse(ReasonCode.SIGNATURE_INVALID, "the WebAuthn assertion by credential " + key.keyId()
          + " does not verify (" + e.getClass().getSimpleName() + ")");
    }
  }

  /** Browsers' rule: the RP id is the origin's host or a registrable suffix of it, over https (or localhost). */
  static boolean originFitsRpId(String origin, String rpId) {
    URI u;
    try {
      u = URI.create(origin);
    } catch (IllegalArgumentException e) {
      return false;
    }
    String host = u.getHost() == null ? "" : u.getHost().toLowerCase(Locale.ROOT);
    String rp = rpId.toLowerCase(Locale.ROOT);
    boolean secure = "https".equals(u.getScheme()) || ("http".equals(u.getScheme()) && "localhost".equals(host));
    return secure && u.getPath() != null && u.getPath().isEmpty() && (host.equals(rp) || host.endsWith("." + rp));
  }

  private static AccessDeniedException refuse(ReasonCode code, String message) {
    return new AccessDeniedException(code, message);
  }
}
