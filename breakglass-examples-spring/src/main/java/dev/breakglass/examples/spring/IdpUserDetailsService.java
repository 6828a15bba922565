package dev.breakglass.examples.spring;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.core.userdetails.UsernameNotFoundException;

/**
 * The application's normal sign-in: users are looked up at the identity provider over HTTP. When the
 * provider is down the lookup fails with the connection error, which Spring Security reports as an
 * internal authentication failure and the break-glass guard recognises as the primary being unavailable.
 */
public final class IdpUserDetailsService implements UserDetailsService {
  private final SimulatedIdentityProvider idp;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  public IdpUserDetailsService(SimulatedIdentityProvider idp) {
    this.idp = idp;
  }

  @Override
  public UserDetails loadUserByUsername(String username) {
    HttpRequest request = HttpRequest.newBuilder(
        URI.create(idp.url() + "/users/" + URLEncoder.encode(username, StandardCharsets.UTF_8)))
        .timeout(Duration.ofSeconds(2)).build();
    HttpResponse<String> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException("identity provider unreachable: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while asking the identity provider", e);
    }
    if (response.statusCode() == 404) {
      throw new UsernameNotFoundException("unknown user");
    }
    if (response.statusCode() != 200) {
      throw new IllegalStateException("identity provider answered " + response.statusCode());
    }
    return User.withUsername(username).password(response.body()).roles("USER").build();
  }
}
