package dev.breakglass.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AccountLedgerTest {
  private final AccountLedger ledger = new AccountLedger(new InMemoryGrantStore());

  @Test
  void secondReservationOfAHeldAccountFails() {
    assertThat(ledger.reserve("db", "g1")).isTrue();
    assertThat(ledger.reserve("db", "g2")).isFalse();
    assertThat(ledger.state("db").holder()).isEqualTo("g1");
  }

  @Test
  void releaseByAGrantThatDoesNotHoldTheAccountChangesNothing() {
    ledger.reserve("db", "g1");
    ledger.release("db", "g2");
    assertThat(ledger.state("db").holder()).isEqualTo("g1");
    ledger.release("db", "g1");
    assertThat(ledger.state("db").holder()).isNull();
    assertThat(ledger.state("db").tainted()).isFalse();
  }

  @Test
  void taintedAccountCannotBeReservedUntilRotated() {
    ledger.reserve("db", "g1");
    ledger.releaseAndTaint("db", "g1");
    assertThat(ledger.state("db").tainted()).isTrue();
    assertThat(ledger.state("db").taintedBy()).isEqualTo("g1");
    assertThat(ledger.reserve("db", "g2")).isFalse();
    ledger.rotated("db");
    assertThat(ledger.state("db").tainted()).isFalse();
    assertThat(ledger.reserve("db", "g2")).isTrue();
  }

  @Test
  void rotatedOnACleanAccountIsANoOp() {
    ledger.rotated("db");
    assertThat(ledger.state("db").tainted()).isFalse();
    assertThat(ledger.state("db").holder()).isNull();
  }
}
