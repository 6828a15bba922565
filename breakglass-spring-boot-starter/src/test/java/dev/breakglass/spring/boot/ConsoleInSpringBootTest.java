package dev.breakglass.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakglass.core.vault.Argon2Parameters;
import dev.breakglass.core.vault.EncryptedFileVault;
import dev.breakglass.spi.CredentialVault;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The starter mounts the approval console at {@code /breakglass} in a real embedded server on a
 * random port, behind the application's Spring Security: the console's pages load without a login
 * (custodians sign in with a security key while the identity provider is down), its own CSRF token
 * is what guards its changes, the host's login still names the user to it, and the rest of the
 * application stays protected.
 */
@SpringBootTest(classes = ConsoleInSpringBootTest.App.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {"breakglass.policy=classpath:test-policy.yaml", "breakglass.console.enabled=true",
        "breakglass.console.rp-id=localhost", "breakglass.console.origins=http://localhost"})
class ConsoleInSpringBootTest {
  private static final Pattern CSRF = Pattern.compile("name=\"csrf-token\" content=\"([^\"]+)\"");

  @TempDir static Path dir;

  @LocalServerPort int port;

  final HttpClient http = HttpClient.newHttpClient();

  @SpringBootConfiguration
  @EnableAutoConfiguration
  static class App {
    @Bean(destroyMethod = "close")
    CredentialVault vault() {
      return EncryptedFileVault.create(dir.resolve("vault.json"), "a vault passphrase".toCharArray(),
          Argon2Parameters.recommended());
    }

    @Bean
    UserDetailsService users() {
      return new InMemoryUserDetailsManager(User.withUsername("alice").password("{noop}pw").roles("USER").build());
    }
  }

  @DynamicPropertySource
  static void dataDirectory(DynamicPropertyRegistry registry) {
    registry.add("breakglass.data-directory", () -> dir.resolve("data").toString());
  }

  private HttpResponse<String> get(String path, String... headers) throws Exception {
    HttpRequest.Builder r = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).GET();
    if (headers.length > 0) {
      r.headers(headers);
    }
    return http.send(r.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void theConsolePageLoadsWithoutALoginAndCarriesItsOwnProtections() throws Exception {
    HttpResponse<String> home = get("/breakglass/");
    assertThat(home.statusCode()).as(home.body()).isEqualTo(200);
    assertThat(home.body()).contains("<title>Break-glass console · breakglass</title>", "Requests waiting for approval",
        "href=\"/breakglass/static/console.css\"");
    assertThat(home.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(csp ->
        assertThat(csp).startsWith("default-src 'none'; script-src 'self'"));
    assertThat(home.headers().allValues("Set-Cookie")).anySatisfy(c ->
        assertThat(c).startsWith("breakglass-console=").contains("HttpOnly", "Secure", "SameSite=Strict"));
    assertThat(get("/breakglass/static/console.js").body()).contains("navigator.credentials.get");
  }

  @Test
  void theConsolesOwnCsrfTokenGuardsItsChangesNotSpringsOne() throws Exception {
    HttpResponse<String> page = get("/breakglass/signin");
    Matcher m = CSRF.matcher(page.body());
    assertThat(m.find()).isTrue();
    String cookie = page.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
    HttpResponse<String> options = http.send(HttpRequest.newBuilder(
            URI.create("http://localhost:" + port + "/breakglass/signin/options"))
        .header("Content-Type", "application/json").header("X-CSRF-Token", m.group(1)).header("Cookie", cookie)
        .POST(HttpRequest.BodyPublishers.ofString("{\"user\":\"carol\"}")).build(), HttpResponse.BodyHandlers.ofString());
    // the console answered (carol has no key yet), rather than Spring Security refusing the POST
    assertThat(options.statusCode()).isEqualTo(404);
    assertThat(options.body()).contains("\"code\":\"KEY_NOT_REGISTERED\"");
    HttpResponse<String> forged = http.send(HttpRequest.newBuilder(
            URI.create("http://localhost:" + port + "/breakglass/signin/options"))
        .header("Content-Type", "application/json").header("Cookie", cookie)
        .POST(HttpRequest.BodyPublishers.ofString("{\"user\":\"carol\"}")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(forged.statusCode()).isEqualTo(403);
    assertThat(forged.body()).contains("\"code\":\"CSRF\"");
  }

  @Test
  void theApplicationsLoginNamesTheUserToTheConsoleAndGuardsEverythingElse() throws Exception {
    String basic = "Basic " + Base64.getEncoder().encodeToString("alice:pw".getBytes(StandardCharsets.UTF_8));
    HttpResponse<String> keys = get("/breakglass/keys", "Authorization", basic);
    assertThat(keys.statusCode()).isEqualTo(200);
    assertThat(keys.body()).contains("Signed in by the identity provider as <strong>alice</strong>", "id=\"register\"");
    assertThat(get("/breakglass/keys").body()).contains("sign in to this site the usual way first")
        .doesNotContain("id=\"register\"");
    assertThat(get("/private").statusCode()).isEqualTo(401);
  }
}
