package dev.breakglass.spring.boot;

import dev.breakglass.BreakGlass;
import dev.breakglass.spring.security.BreakGlassAuthenticationProvider;
import dev.breakglass.spring.security.BreakGlassGrantFilter;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.dao.DaoAuthenticationProvider;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.web.context.SecurityContextHolderFilter;

/**
 * Wires the guard into Spring Security: the application's {@link UserDetailsService} (and
 * {@link PasswordEncoder}, if any) signs in normal users through a {@link DaoAuthenticationProvider}
 * wrapped by a {@link BreakGlassAuthenticationProvider}, so form login and HTTP basic accept
 * break-glass accounts during an emergency; and every {@code SecurityFilterChain} gets a
 * {@link BreakGlassGrantFilter}, which ends emergency sessions when their grant ends.
 *
 * <p>An application that defines its own {@link AuthenticationProvider} keeps it; it wraps it itself:
 * {@code new BreakGlassAuthenticationProvider(breakGlass, myProvider, "ROLE_BREAK_GLASS")}.
 */
@AutoConfiguration(after = BreakGlassAutoConfiguration.class,
    beforeName = "org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration")
@ConditionalOnClass(AuthenticationProvider.class)
@ConditionalOnBean(BreakGlass.class)
@ConditionalOnBooleanProperty(name = "breakglass.security.enabled", matchIfMissing = true)
public class BreakGlassSecurityAutoConfiguration {

  @Bean
  @ConditionalOnBean(UserDetailsService.class)
  @ConditionalOnMissingBean(AuthenticationProvider.class)
  public BreakGlassAuthenticationProvider breakGlassAuthenticationProvider(BreakGlass breakGlass,
      UserDetailsService users, ObjectProvider<PasswordEncoder> passwordEncoder, BreakGlassProperties properties) {
    DaoAuthenticationProvider primary = new DaoAuthenticationProvider(users);
    passwordEncoder.ifAvailable(primary::setPasswordEncoder);
    return new BreakGlassAuthenticationProvider(breakGlass, primary, properties.getSecurity().getAuthority());
  }

  /** Ends emergency sessions with their grant, in every filter chain the application builds. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
  @ConditionalOnClass(HttpSecurity.class)
  static class GrantFilterConfiguration {
    @Bean
    Customizer<HttpSecurity> breakGlassGrantFilterCustomizer(BreakGlass breakGlass) {
      return http -> http.addFilterAfter(new BreakGlassGrantFilter(breakGlass), SecurityContextHolderFilter.class);
    }
  }
}
