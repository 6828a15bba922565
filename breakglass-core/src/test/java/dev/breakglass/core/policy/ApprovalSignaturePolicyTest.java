package dev.breakglass.core.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakglass.BreakGlassPolicy;
import dev.breakglass.PolicyException;
import dev.breakglass.SignatureRequirement;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code approvalSignature: required | optional} in policy files, and its default. */
class ApprovalSignaturePolicyTest {
  @TempDir Path dir;

  private BreakGlassPolicy load(String signature) throws IOException {
    Path file = dir.resolve("policy.yaml");
    Files.writeString(file, "version: 1\naccounts:\n  db:\n    requesters: [alice]\n    custodians: [carol, dave]\n"
        + "    approvals: 1\n" + (signature == null ? "" : "    approvalSignature: " + signature + "\n"));
    return PolicyFiles.load(file);
  }

  @Test
  void defaultsToRequiredOnceKeysAreRegistered() throws IOException {
    assertThat(load(null).accounts().get("db").approvalSignature()).isEqualTo(SignatureRequirement.WHEN_REGISTERED);
  }

  @Test
  void readsRequiredAndOptional() throws IOException {
    assertThat(load("required").accounts().get("db").approvalSignature()).isEqualTo(SignatureRequirement.REQUIRED);
    assertThat(load("optional").accounts().get("db").approvalSignature()).isEqualTo(SignatureRequirement.OPTIONAL);
  }

  @Test
  void anythingElseNamesTheFieldAndLine() {
    assertThatThrownBy(() -> load("sometimes")).isInstanceOf(PolicyException.class)
        .hasMessageContaining("accounts.db.approvalSignature").hasMessageContaining("policy.yaml:7")
        .hasMessageContaining("'required' or 'optional'");
  }
}
