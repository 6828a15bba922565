package dev.breakglass.examples.spring;

import dev.breakglass.core.health.HttpStatusProbe;
import dev.breakglass.spi.HealthProbe;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.web.SecurityFilterChain;

/**
 * A small web application whose users sign in at a (simulated) identity provider, with breakglass
 * from the Spring Boot starter: take the provider down and a break-glass account still signs in
 * through the application's own login page, as an emergency session.
 *
 * <p>All the break-glass wiring is the starter's; this class only declares what any application
 * has: its users, its security rules, and a health probe of its identity provider.
 */
@SpringBootApplication
public class ExampleApplication {

  public static void main(String[] args) throws IOException {
    Path data = Path.of(System.getProperty("breakglass.data-directory", "target/spring-example")).toAbsolutePath();
    preparePassphrase(data);
    System.setProperty("breakglass.data-directory", data.toString());
    SpringApplication.run(ExampleApplication.class, args);
  }

  /**
   * The vault passphrase file, created once for the demo (a real deployment provisions it, or names
   * an environment variable with {@code breakglass.properties.vault.file.passphrase-env}).
   */
  static void preparePassphrase(Path data) throws IOException {
    Files.createDirectories(data);
    Path file = data.resolve("vault.passphrase");
    if (Files.notExists(file)) {
      byte[] random = new byte[24];
      new SecureRandom().nextBytes(random);
      Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(file, Base64.getEncoder().encodeToString(random));
    }
  }

  @Bean
  PasswordEncoder passwordEncoder() {
    return PasswordEncoderFactories.createDelegatingPasswordEncoder();
  }

  @Bean(destroyMethod = "close")
  SimulatedIdentityProvider identityProvider(@Value("${example.idp.port:0}") int port, PasswordEncoder encoder) {
    return new SimulatedIdentityProvider(port, Map.of(
        "bob", encoder.encode("bob-password"),
        "alice", encoder.encode("alice-password"),
        "sre-lead", encoder.encode("sre-lead-password")));
  }

  @Bean
  UserDetailsService users(SimulatedIdentityProvider idp) {
    return new IdpUserDetailsService(idp);
  }

  /** The starter hands every HealthProbe bean to the engine, which closes it. */
  @Bean(destroyMethod = "")
  HealthProbe identityProviderProbe(SimulatedIdentityProvider idp) {
    return HttpStatusProbe.builder(idp.url() + "/health").timeout(Duration.ofMillis(500)).build();
  }

  @Bean
  SecurityFilterChain security(HttpSecurity http) throws Exception {
    http
        .authorizeHttpRequests(requests -> requests
            .requestMatchers("/actuator/health", "/actuator/health/**", "/login", "/error").permitAll()
            .requestMatchers("/emergency/**").hasRole("BREAK_GLASS")
            .anyRequest().authenticated())
        .formLogin(form -> form.defaultSuccessUrl("/", true))
        .httpBasic(basic -> { })
        // the actuator is called by tools with HTTP basic, not from pages with a CSRF token
        .csrf(csrf -> csrf.ignoringRequestMatchers("/actuator/**"));
    return http.build();
  }
}
