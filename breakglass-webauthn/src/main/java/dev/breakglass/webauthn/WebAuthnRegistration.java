package dev.breakglass.webauthn;

import com.webauthn4j.WebAuthnManager;
import com.webauthn4j.data.PublicKeyCredentialParameters;
import com.webauthn4j.data.PublicKeyCredentialType;
import com.webauthn4j.data.RegistrationData;
import com.webauthn4j.data.RegistrationParameters;
import com.webauthn4j.data.RegistrationRequest;
import com.webauthn4j.data.attestation.authenticator.AttestedCredentialData;
import com.webauthn4j.data.attestation.statement.COSEAlgorithmIdentifier;
import com.webauthn4j.data.client.Origin;
import com.webauthn4j.data.client.challenge.DefaultChallenge;
import com.webauthn4j.server.ServerProperty;
import com.webauthn4j.verifier.exception.BadChallengeException;
import com.webauthn4j.verifier.exception.BadOriginException;
import com.webauthn4j.verifier.exception.BadRpIdException;
import com.webauthn4j.verifier.exception.UserNotVerifiedException;
import dev.breakglass.AccessDeniedException;
import dev.breakglass.CustodianKey;
import dev.breakglass.ReasonCode;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Checks a new WebAuthn credential (the browser's answer to {@code navigator.credentials.create})
 * with webauthn4j and turns it into a {@link CustodianKey} to register. Attestation is not required
 * to chain to a vendor ({@code none} and self attestation are accepted): what makes the key the
 * custodian's is that the host authenticated the custodian when it was enrolled.
 *
 * <pre>{@code
 * WebAuthnRegistration registration = new WebAuthnRegistration("ops.example.com",
 *     Set.of("https://ops.example.com"), true);
 * CustodianKey key = registration.verify("carol", attestationObject, clientDataJson, challenge,
 *     "carol's YubiKey");
 * breakGlass.custodianKeys().register(key, "carol");
 * }</pre>
 *
 * <p>Thread-safe.
 */
public final class WebAuthnRegistration {
  /** The algorithms the console offers: ES256, EdDSA and RS256, in that order of preference. */
  public static final List<Long> ALGORITHMS = List.of(-7L, -8L, -257L);

  private final WebAuthnManager manager = WebAuthnManager.createNonStrictWebAuthnManager(WebAuthnCredentials.CONVERTER);
  private final String rpId;
  private final Set<Origin> origins = new LinkedHashSet<>();
  private final boolean userVerification;

  /**
   * @param rpId the relying-party id credentials are scoped to
   * @param origins the console's origins as browsers send them
   * @param userVerification whether the authenticator must verify the user (PIN, biometrics)
   */
  public WebAuthnRegistration(String rpId, Set<String> origins, boolean userVerification) {
    this.rpId = Objects.requireNonNull(rpId, "rpId");
    for (String o : origins) {
      this.origins.add(new Origin(o.strip().replaceAll("/+$", "")));
    }
    if (this.origins.isEmpty()) {
      throw new IllegalArgumentException("at least one origin is required");
    }
    this.userVerification = userVerification;
  }

  /**
   * Verifies a registration made with {@code challenge} and returns the key to register.
   *
   * @throws AccessDeniedException with {@link ReasonCode#WRONG_ORIGIN} (another origin or RP id),
   *     {@link ReasonCode#ASSERTION_REPLAYED} (another challenge) or {@link ReasonCode#SIGNATURE_INVALID}
   *     (anything else that does not verify)
   */
  public CustodianKey verify(String custodian, byte[] attestationObject, byte[] clientDataJson, byte[] challenge,
      @Nullable String label) {
    ServerProperty server = ServerProperty.builder().origins(origins).rpId(rpId)
        .challenge(new DefaultChallenge(challenge)).build();
    List<PublicKeyCredentialParameters> params = ALGORITHMS.stream()
        .map(a -> new PublicKeyCredentialParameters(PublicKeyCredentialType.PUBLIC_KEY, COSEAlgorithmIdentifier.create(a)))
        .toList();
    try {
      RegistrationData data = manager.verify(new RegistrationRequest(attestationObject, clientDataJson),
          new RegistrationParameters(server, params, userVerification, true));
      AttestedCredentialData credential = Objects.requireNonNull(data.getAttestationObject())
          .getAuthenticatorData().getAttestedCredentialData();
      return CustodianKey.webAuthn(custodian,
          Base64.getUrlEncoder().withoutPadding().encodeToString(credential.getCredentialId()),
          WebAuthnCredentials.coseKey(credential), rpId,
          data.getAttestationObject().getAuthenticatorData().getSignCount(), label);
    } catch (BadChallengeException e) {
      throw new AccessDeniedException(ReasonCode.ASSERTION_REPLAYED, "the registration answers another challenge");
    } catch (BadOriginException | BadRpIdException e) {
      throw new AccessDeniedException(ReasonCode.WRONG_ORIGIN, "the registration was made for another origin or RP id"
          + " than '" + rpId + "'");
    } catch (UserNotVerifiedException e) {
      throw new AccessDeniedException(ReasonCode.SIGNATURE_INVALID, "the authenticator did not verify the user (PIN or"
          + " biometrics), which this console requires");
    } catch (RuntimeException e) {
      if (e instanceof AccessDeniedException) {
        throw e;
      }
      throw new AccessDeniedException(ReasonCode.SIGNATURE_INVALID, "the registration does not verify ("
          + e.getClass().getSimpleName() + ")");
    }
  }

  /** The RP id. */
  public String rpId() {
    return rpId;
  }
}
