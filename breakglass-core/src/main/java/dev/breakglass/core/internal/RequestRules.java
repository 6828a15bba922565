package dev.breakglass.core.internal;

import dev.breakglass.AccessRequest;
import dev.breakglass.AccountPolicy;
import dev.breakglass.ReasonCode;
import dev.breakglass.spi.AccountState;
import java.util.List;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * What the policy says about a request for emergency access, as pure functions: facts in, a
 * {@link Refusal} (or {@code null} for "allowed") out. Nothing here audits, stores or throws; the
 * caller ({@link GrantLifecycle}) does that, so each rule can be tested on its own.
 */
final class RequestRules {
  private RequestRules() {}

  /**
   * Checks a request against its account's policy, in the order the refusals are reported: unknown
   * account, requester not allowed, no emergency, missing reason, missing ticket, missing
   * identification, duration too long.
   *
   * @param account the policy of the requested account, or {@code null} if the policy names none
   * @param emergency whether the emergency path is open now
   */
  static @Nullable Refusal check(@Nullable AccountPolicy account, AccessRequest request, boolean emergency) {
    String name = request.account();
    if (account == null) {
      return new Refusal(ReasonCode.UNKNOWN_ACCOUNT, "'" + name + "' is not a break-glass account");
    }
    if (!account.isRequester(request.requester())) {
      return new Refusal(ReasonCode.REQUESTER_NOT_ALLOWED,
          "'" + request.requester() + "' may not request '" + name + "'");
    }
    if (account.emergencyRequired() && !emergency) {
      return new Refusal(ReasonCode.NOT_IN_EMERGENCY,
          "no emergency: the primary identity provider is healthy and no incident is declared");
    }
    if (account.reasonRequired() && request.reason().isEmpty()) {
      return new Refusal(ReasonCode.MISSING_REASON, "a reason is required for '" + name + "'");
    }
    if (account.ticketRequired() && request.ticket() == null) {
      return new Refusal(ReasonCode.MISSING_TICKET, "a ticket is required for '" + name + "'");
    }
    List<String> missing = account.identificationRequired().stream()
        .filter(kind -> !request.identification().containsKey(kind)).collect(Collectors.toList());
    if (!missing.isEmpty()) {
      return new Refusal(ReasonCode.MISSING_IDENTIFICATION,
          "identification required for '" + name + "' is missing: " + missing);
    }
    if (request.duration().compareTo(account.maxDuration()) > 0) {
      return new Refusal(ReasonCode.DURATION_TOO_LONG, "requested " + request.duration() + " but '" + name
          + "' allows at most " + account.maxDuration());
    }
    return null;
  }

  /**
   * Whether the account can take a new grant: not while it is tainted (its credential has not been
   * rotated since its last grant; the refusal names the backup account, if any) nor while another
   * grant holds it.
   */
  static @Nullable Refusal accountFree(AccountPolicy account, AccountState state) {
    if (state.tainted()) {
      String backup = account.backupAccount() == null ? ""
          : "; request the backup account '" + account.backupAccount() + "'";
      return new Refusal(ReasonCode.ACCOUNT_TAINTED, "'" + account.name()
          + "' is tainted until its credential is rotated after grant " + state.taintedBy() + backup);
    }
    if (state.holder() != null) {
      return new Refusal(ReasonCode.ACCOUNT_IN_USE, "'" + account.name() + "' is held by grant " + state.holder());
    }
    return null;
  }
}
