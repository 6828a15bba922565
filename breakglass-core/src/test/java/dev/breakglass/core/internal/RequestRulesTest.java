package dev.breakglass.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakglass.AccessRequest;
import dev.breakglass.AccountPolicy;
import dev.breakglass.ReasonCode;
import dev.breakglass.spi.AccountState;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

class RequestRulesTest {
  private final AccountPolicy db = EngineFixture.defaultPolicy().account(EngineFixture.DB).orElseThrow();

  private AccessRequest.Builder good() {
    return AccessRequest.builder().requester("alice").account(EngineFixture.DB).reason("outage").ticket("INC-1")
        .duration(Duration.ofMinutes(20)).identification("badge", "E-1");
  }

  private static @Nullable ReasonCode code(@Nullable Refusal r) {
    return r == null ? null : r.code();
  }

  @Test
  void completeRequestDuringAnEmergencyIsAllowed() {
    assertThat(RequestRules.check(db, good().build(), true)).isNull();
  }

  @Test
  void accountThePolicyDoesNotNameIsUnknown() {
    Refusal r = RequestRules.check(null, good().account("ghost").build(), true);
    assertThat(code(r)).isEqualTo(ReasonCode.UNKNOWN_ACCOUNT);
    assertThat(r.message()).contains("'ghost'");
  }

  @Test
  void requesterNotListedIsRefused() {
    assertThat(code(RequestRules.check(db, good().requester("mallory").build(), true)))
        .isEqualTo(ReasonCode.REQUESTER_NOT_ALLOWED);
  }

  @Test
  void requestOutsideAnEmergencyIsRefusedBeforeAnythingElseAboutIt() {
    assertThat(code(RequestRules.check(db, good().ticket(null).build(), false))).isEqualTo(ReasonCode.NOT_IN_EMERGENCY);
  }

  @Test
  void missingTicketIsRefused() {
    assertThat(code(RequestRules.check(db, good().ticket(null).build(), true))).isEqualTo(ReasonCode.MISSING_TICKET);
  }

  @Test
  void missingIdentificationIsRefusedNamingTheKind() {
    AccessRequest noBadge = AccessRequest.builder().requester("alice").account(EngineFixture.DB).reason("outage")
        .ticket("INC-1").duration(Duration.ofMinutes(20)).build();
    Refusal r = RequestRules.check(db, noBadge, true);
    assertThat(code(r)).isEqualTo(ReasonCode.MISSING_IDENTIFICATION);
    assertThat(r.message()).contains("badge");
  }

  @Test
  void durationOneSecondOverTheMaximumIsRefusedAndTheMaximumItselfIsAllowed() {
    assertThat(code(RequestRules.check(db, good().duration(Duration.ofMinutes(30).plusSeconds(1)).build(), true)))
        .isEqualTo(ReasonCode.DURATION_TOO_LONG);
    assertThat(RequestRules.check(db, good().duration(Duration.ofMinutes(30)).build(), true)).isNull();
  }

  @Test
  void taintedAccountIsRefusedNamingTheBackupAccount() {
    AccountState tainted = AccountState.initial(EngineFixture.DB).heldBy("g1").releasedAndTainted("g1");
    Refusal r = RequestRules.accountFree(db, tainted);
    assertThat(code(r)).isEqualTo(ReasonCode.ACCOUNT_TAINTED);
    assertThat(r.message()).contains("g1").contains(EngineFixture.BACKUP);
  }

  @Test
  void heldAccountIsInUseAndAFreeOneIsAllowed() {
    assertThat(code(RequestRules.accountFree(db, AccountState.initial(EngineFixture.DB).heldBy("g2"))))
        .isEqualTo(ReasonCode.ACCOUNT_IN_USE);
    assertThat(RequestRules.accountFree(db, AccountState.initial(EngineFixture.DB))).isNull();
  }
}
