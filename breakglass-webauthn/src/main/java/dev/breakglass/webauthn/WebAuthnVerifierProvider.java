package dev.breakglass.webauthn;

import dev.breakglass.spi.ApprovalSignatureVerifier;
import dev.breakglass.spi.ApprovalSignatureVerifierProvider;
import dev.breakglass.spi.ProviderContext;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The {@code webauthn} approval signature verifier. Engine properties:
 *
 * <table>
 *   <caption>Settings</caption>
 *   <tr><td>{@code approval-signatures}</td><td>{@code webauthn} (selects this provider)</td></tr>
 *   <tr><td>{@code approval-signature.webauthn.rp-id}</td><td>the console's RP id, e.g. {@code ops.example.com}</td></tr>
 *   <tr><td>{@code approval-signature.webauthn.origins}</td><td>its origins, comma-separated, e.g. {@code https://ops.example.com}</td></tr>
 *   <tr><td>{@code approval-signature.webauthn.user-verification}</td><td>require PIN or biometrics (default {@code true})</td></tr>
 * </table>
 *
 * <p>With no settings at all (offline tools such as {@code breakglass verify}) it verifies without
 * a configured origin ({@link WebAuthnSignatureVerifier#offline()}).
 */
public final class WebAuthnVerifierProvider implements ApprovalSignatureVerifierProvider {
  @Override
  public String name() {
    return "webauthn";
  }

  @Override
  public ApprovalSignatureVerifier create(ProviderContext context) {
    if (context.get("rp-id").isEmpty() && context.get("origins").isEmpty()) {
      return WebAuthnSignatureVerifier.offline();
    }
    String rpId = context.require("rp-id");
    Set<String> origins = new LinkedHashSet<>();
    for (String o : context.require("origins").split(",")) {
      if (!o.isBlank()) {
        origins.add(o.strip());
      }
    }
    if (origins.isEmpty()) {
      throw context.problem("origins", "must name at least one origin such as https://" + rpId);
    }
    for (String o : origins) {
      if (!WebAuthnSignatureVerifier.originFitsRpId(o, rpId)) {
        throw context.problem("origins", "'" + o + "' is not an https origin (or http://localhost) of RP id '" + rpId
            + "'");
      }
    }
    return WebAuthnSignatureVerifier.online(rpId, origins, context.bool("user-verification", true));
  }
}
