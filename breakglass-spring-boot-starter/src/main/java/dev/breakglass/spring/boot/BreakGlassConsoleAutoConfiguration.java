package dev.breakglass.spring.boot;

import dev.breakglass.BreakGlass;
import dev.breakglass.console.BreakGlassConsole;
import dev.breakglass.console.ConsoleSettings;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;

/**
 * Mounts the approval console ({@link BreakGlassConsole}) at {@code breakglass.console.path}
 * (default {@code /breakglass}) when {@code breakglass.console.enabled=true}:
 *
 * <pre>{@code
 * breakglass:
 *   console:
 *     enabled: true
 *     rp-id: ops.example.com
 *     origins: https://ops.example.com
 * }</pre>
 *
 * <p>The same settings configure the engine's WebAuthn verifier ({@code approval-signatures=webauthn}
 * with this RP id and these origins) and make alerts link to the console ({@code alert.console-url}),
 * unless {@code breakglass.properties} sets those keys itself. The host's normal sign-in names the
 * user ({@code HttpServletRequest.getRemoteUser()}, which Spring Security fills in), so keys are
 * registered behind the application's own login, and signed in with alone while it is down.
 *
 * <p>With Spring Security, every filter chain lets the console's paths through without a login (a
 * custodian whose identity provider is down signs in with a security key) and leaves them out of
 * Spring's CSRF check: the console checks its own per-session token on every change.
 */
@AutoConfiguration(after = BreakGlassAutoConfiguration.class)
@ConditionalOnClass(BreakGlassConsole.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnBooleanProperty(name = "breakglass.console.enabled")
public class BreakGlassConsoleAutoConfiguration {

  /**
   * The engine properties the console needs, from {@code breakglass.console.*}; empty while the
   * console is off.
   */
  static Map<String, String> engineProperties(BreakGlassProperties.Console console) {
    Map<String, String> p = new LinkedHashMap<>();
    if (console.isEnabled() && console.getRpId() != null && !console.getOrigins().isEmpty()) {
      p.put("approval-signatures", "webauthn");
      p.put("approval-signature.webauthn.rp-id", console.getRpId());
      List<String> origins = console.getOrigins().stream().map(o -> o.strip().replaceAll("/+$", "")).toList();
      p.put("approval-signature.webauthn.origins", String.join(",", origins));
      p.put("approval-signature.webauthn.user-verification", Boolean.toString(console.isUserVerification()));
      p.put("alert.console-url", origins.get(0) + console.getPath());
    }
    return p;
  }

  /** The console servlet, mounted at {@code <path>/*}. */
  @Bean
  @ConditionalOnBean(BreakGlass.class)
  @ConditionalOnMissingBean(name = "breakGlassConsole")
  public ServletRegistrationBean<BreakGlassConsole> breakGlassConsole(BreakGlass breakGlass,
      BreakGlassProperties properties) {
    BreakGlassProperties.Console c = properties.getConsole();
    ConsoleSettings.Builder settings = ConsoleSettings.builder(c.getRpId())
        .userVerification(c.isUserVerification()).idleTimeout(c.getIdleTimeout());
    c.getOrigins().forEach(settings::origin);
    ServletRegistrationBean<BreakGlassConsole> registration =
        new ServletRegistrationBean<>(new BreakGlassConsole(breakGlass, settings.build()), c.getPath() + "/*");
    registration.setName("breakGlassConsole");
    return registration;
  }

  /** Opens the console's paths in every Spring Security filter chain (the console authenticates itself). */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(HttpSecurity.class)
  static class ConsoleSecurityConfiguration {
    @Bean
    Customizer<HttpSecurity> breakGlassConsoleSecurityCustomizer(BreakGlassProperties properties) {
      String paths = properties.getConsole().getPath() + "/**";
      return http -> {
        try {
          http.csrf(csrf -> csrf.ignoringRequestMatchers(paths))
              .authorizeHttpRequests(requests -> requests.requestMatchers(paths).permitAll());
        } catch (Exception e) {
          throw new IllegalStateException("cannot open " + paths + " for the breakglass console: " + e.getMessage(), e);
        }
      };
    }
  }
}
