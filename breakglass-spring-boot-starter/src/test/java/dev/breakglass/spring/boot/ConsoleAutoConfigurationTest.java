package dev.breakglass.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakglass.BreakGlass;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.servlet.ServletRegistrationBean;

/** When the console is mounted, and what a wrong console setting is told. */
class ConsoleAutoConfigurationTest {
  @TempDir Path dir;

  private WebApplicationContextRunner runner() {
    return new WebApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(BreakGlassAutoConfiguration.class,
            BreakGlassConsoleAutoConfiguration.class))
        .withUserConfiguration(BreakGlassAutoConfigurationTest.Vault.class)
        .withPropertyValues("breakglass.policy=classpath:test-policy.yaml",
            "breakglass.data-directory=" + dir.resolve("data"), "test.vault=" + dir.resolve("vault.json"));
  }

  @Test
  void theConsoleIsOffUnlessEnabled() {
    runner().run(context -> assertThat(context).hasNotFailed().hasSingleBean(BreakGlass.class)
        .doesNotHaveBean(ServletRegistrationBean.class));
  }

  @Test
  void enabledItIsMountedAtItsPath() {
    runner().withPropertyValues("breakglass.console.enabled=true", "breakglass.console.rp-id=ops.example.com",
        "breakglass.console.origins=https://ops.example.com", "breakglass.console.path=/emergency")
        .run(context -> assertThat(context.getBean(ServletRegistrationBean.class).getUrlMappings())
            .containsExactly("/emergency/*"));
  }

  @Test
  void theEngineVerifiesSecurityKeysForTheConsolesRelyingPartyAndAlertsLinkToIt() {
    BreakGlassProperties.Console console = new BreakGlassProperties.Console();
    assertThat(BreakGlassConsoleAutoConfiguration.engineProperties(console)).isEmpty();
    console.setEnabled(true);
    console.setRpId("ops.example.com");
    console.getOrigins().add("https://ops.example.com/");
    assertThat(BreakGlassConsoleAutoConfiguration.engineProperties(console))
        .containsEntry("approval-signatures", "webauthn")
        .containsEntry("approval-signature.webauthn.rp-id", "ops.example.com")
        .containsEntry("approval-signature.webauthn.origins", "https://ops.example.com")
        .containsEntry("alert.console-url", "https://ops.example.com/breakglass");
  }

  @Test
  void aMissingRelyingPartyIsNamed() {
    runner().withPropertyValues("breakglass.console.enabled=true").run(context ->
        assertThat(context).getFailure().rootCause().hasMessageContaining("breakglass.console.rp-id"));
    runner().withPropertyValues("breakglass.console.enabled=true", "breakglass.console.rp-id=ops.example.com")
        .run(context -> assertThat(context).getFailure().rootCause().hasMessageContaining("breakglass.console.origins"));
    runner().withPropertyValues("breakglass.console.enabled=true", "breakglass.console.rp-id=ops.example.com",
        "breakglass.console.origins=https://ops.example.com", "breakglass.console.path=/breakglass/")
        .run(context -> assertThat(context).getFailure().rootCause().hasMessageContaining("breakglass.console.path"));
  }
}
