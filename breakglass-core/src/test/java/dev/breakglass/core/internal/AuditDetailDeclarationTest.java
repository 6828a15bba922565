package dev.breakglass.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The audit-detail allow-list resolves every declared key to its own declaration and nothing else. */
class AuditDetailDeclarationTest {
  @Test
  void everyDeclaredKey_resolvesToItsOwnDeclaration_withItsClearness() {
    for (AuditDetail d : AuditDetail.values()) {
      assertThat(AuditDetail.of(d.key())).as(d.name()).isSameAs(d);
      assertThat(AuditDetail.isClear(d.key())).as(d.name()).isEqualTo(d.clear());
    }
  }

  @Test
  void clearAndSensitiveKeys_areDeclaredAsSuch() {
    assertThat(AuditDetail.REASON.clear()).isTrue();
    assertThat(AuditDetail.CLIENT.clear()).isFalse();
    assertThat(AuditDetail.CREDENTIAL.clear()).isFalse();
    assertThat(AuditDetail.of("identification.badge")).isSameAs(AuditDetail.IDENTIFICATION);
    assertThat(AuditDetail.isClear("identification.badge")).isFalse();
    assertThat(AuditDetail.of("never-declared")).isNull();
    assertThat(AuditDetail.isClear("never-declared")).isFalse();
  }
}
