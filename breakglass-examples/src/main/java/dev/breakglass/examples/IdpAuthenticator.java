package dev.breakglass.examples;

import dev.breakglass.AuthenticatedPrincipal;
import dev.breakglass.AuthenticationFailedException;
import dev.breakglass.Authenticator;
import dev.breakglass.LoginAttempt;
import dev.breakglass.PrimaryUnavailableException;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The application's primary authentication: a password login against the identity provider over
 * HTTP. A 401 is a rejection; a refused connection, a timeout or a 5xx is the provider being down.
 */
final class IdpAuthenticator implements Authenticator {
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
  private final URI login;

  IdpAuthenticator(String issuer) {
    this.login = URI.create(issuer + "/login");
  }

  @Override
  public AuthenticatedPrincipal authenticate(LoginAttempt attempt) {
    String form = "username=" + URLEncoder.encode(attempt.username(), StandardCharsets.UTF_8)
        + "&password=" + URLEncoder.encode(new String(attempt.secret()), StandardCharsets.UTF_8);
    HttpRequest request = HttpRequest.newBuilder(login).timeout(Duration.ofSeconds(2))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(form)).build();
    HttpResponse<String> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new PrimaryUnavailableException("identity provider unreachable: " + e.getClass().getSimpleName(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PrimaryUnavailableException("interrupted while calling the identity provider", e);
    }
    if (response.statusCode() == 200) {
      return AuthenticatedPrincipal.of(attempt.username());
    }
    if (response.statusCode() >= 500) {
      throw new PrimaryUnavailableException("identity provider answered " + response.statusCode());
    }
    throw new AuthenticationFailedException("identity provider rejected the login (" + response.statusCode() + ")");
  }
}
