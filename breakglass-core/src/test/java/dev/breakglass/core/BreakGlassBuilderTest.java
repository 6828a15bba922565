package dev.breakglass.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakglass.AccountPolicy;
import dev.breakglass.BreakGlass;
import dev.breakglass.BreakGlassPolicy;
import dev.breakglass.PolicyException;
import dev.breakglass.ProviderException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BreakGlassBuilderTest {
  static final BreakGlassPolicy POLICY = BreakGlassPolicy.builder()
      .account(AccountPolicy.builder("db").requesters("alice").build()).build();

  @Test
  void apiBuilderFindsThisEngineThroughServiceLoader() {
    assertThat(BreakGlass.builder()).isInstanceOf(BreakGlassEngine.Builder.class);
  }

  @Test
  void missingPolicyIsAClearError() {
    assertThatThrownBy(() -> BreakGlass.builder().build())
        .isInstanceOf(PolicyException.class).hasMessageContaining("policy(...) or policyFile(...)");
  }

  @Test
  void unknownPropertyIsNamed(@TempDir Path dir) {
    assertThatThrownBy(() -> BreakGlass.builder().policy(POLICY).dataDirectory(dir)
        .property("valut.file.path", "x").build())
        .isInstanceOf(ProviderException.class).hasMessageContaining("valut.file.path");
  }

  @Test
  void unknownProviderIsNamedWithTheAvailableOnes(@TempDir Path dir) {
    assertThatThrownBy(() -> BreakGlass.builder().policy(POLICY).dataDirectory(dir)
        .property("grant-store", "cassandra").build())
        .isInstanceOf(ProviderException.class)
        .hasMessageContaining("no grant store provider named 'cassandra'")
        .hasMessageContaining("memory");
  }

  @Test
  void defaultsNeedADataDirectory() {
    assertThatThrownBy(() -> BreakGlass.builder().policy(POLICY).build())
        .isInstanceOf(ProviderException.class).hasMessageContaining("dataDirectory");
  }
}
