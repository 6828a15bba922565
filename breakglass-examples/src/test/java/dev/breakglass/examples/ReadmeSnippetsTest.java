package dev.breakglass.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakglass.AccessRequest;
import dev.breakglass.Approval;
import dev.breakglass.AuthenticatedPrincipal;
import dev.breakglass.Authenticator;
import dev.breakglass.BreakGlass;
import dev.breakglass.Credential;
import dev.breakglass.EmergencyAccessGrant;
import dev.breakglass.LoginAttempt;
import dev.breakglass.core.vault.Argon2Parameters;
import dev.breakglass.core.vault.EncryptedFileVault;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's "Use it" snippets, copied here between {@code README:begin}/{@code README:end}
 * markers, compile and run; {@link #theReadmeContainsEverySnippetVerbatim} keeps the two from drifting.
 */
class ReadmeSnippetsTest {
  /** The same value as {@code BREAKGLASS_VAULT_PASSPHRASE} in this module's surefire configuration. */
  static final String PASSPHRASE = "readme example vault passphrase";

  @TempDir Path dir;

  @Test
  void buildGuardRequestApproveRelease() throws Exception {
    Path policyFile = dir.resolve("breakglass-policy.yaml");
    Files.writeString(policyFile, readmeBlock("yaml", "version: 1"));
    Path dataDirectory = dir.resolve("data");
    Files.createDirectories(dataDirectory);
    try (EncryptedFileVault vault = EncryptedFileVault.create(dataDirectory.resolve("vault.json"),
        PASSPHRASE.toCharArray(), Argon2Parameters.recommended())) {
      vault.write("prod-db-admin", "pre-staged-admin-secret".toCharArray());
      vault.write("prod-db-admin-2", "pre-staged-backup-secret".toCharArray());
    }
    String issuer = "https://127.0.0.1:" + closedPort(); // the IdP is down: connections are refused
    Authenticator myIdpAuthenticator = attempt -> {
      throw new UncheckedIOException(new ConnectException("Connection refused"));
    };
    char[] released;

    // README:begin use-it
BreakGlass breakGlass = BreakGlass.builder()
    .policyFile(policyFile)          // e.g. /etc/myapp/breakglass-policy.yaml (below)
    .dataDirectory(dataDirectory)    // e.g. /var/lib/myapp/breakglass
    .property("vault.file.passphrase-env", "BREAKGLASS_VAULT_PASSPHRASE")
    .property("probes", "oidc")
    .property("probe.oidc.issuer", issuer)   // e.g. https://login.example.com
    .property("rotators", "vault")
    .property("rotator.vault.accounts", "prod-db-admin,prod-db-admin-2")
    .build();

// Wrap the login path. Break-glass accounts work only through an active grant during an emergency.
Authenticator login = breakGlass.guard(myIdpAuthenticator);

// Request, approve (custodians' tools), release once.
EmergencyAccessGrant grant = breakGlass.requestAccess(AccessRequest.builder()
    .requester("alice").account("prod-db-admin")
    .reason("IdP outage; failover stuck").ticket("INC-4711")
    .identification("hardware-key", "yubikey-5170").duration(Duration.ofMinutes(30))
    .build());
breakGlass.approve(Approval.of(grant, "carol"));
breakGlass.approve(Approval.of(grant, "dave"));
try (Credential credential = grant.releaseCredential()) {
  // use credential.secret(); it is wiped on close
    // README:end
      released = credential.secret().clone();
    }
    try {
      assertThat(breakGlass.emergencyState().isEmergency())
          .as("the first probe round ran inside build() and found the IdP down").isTrue();
      AuthenticatedPrincipal principal = login.authenticate(LoginAttempt.of("prod-db-admin", released));
      assertThat(principal.isEmergencyAccess()).isTrue();
      assertThat(principal.grant().id()).isEqualTo(grant.id());
    } finally {
      breakGlass.close();
    }
  }

  @Test
  void theReadmeContainsEverySnippetVerbatim() throws IOException {
    String readme = readme();
    String source = Files.readString(Path.of("src/test/java/dev/breakglass/examples/ReadmeSnippetsTest.java"));
    Matcher m = Pattern.compile("// README:begin ([a-z-]+)\\n(.*?)\\n\\s*// README:end", Pattern.DOTALL).matcher(source);
    List<String> names = new ArrayList<>();
    while (m.find()) {
      names.add(m.group(1));
      assertThat(readme).as("README snippet '%s'", m.group(1)).contains(m.group(2) + "\n");
    }
    assertThat(names).contains("use-it");
  }

  /** The README's fenced block of {@code language} that starts with {@code firstLine}. */
  private static String readmeBlock(String language, String firstLine) throws IOException {
    Matcher m = Pattern.compile("```" + language + "\\n(.*?)```", Pattern.DOTALL).matcher(readme());
    while (m.find()) {
      if (m.group(1).startsWith(firstLine)) {
        return m.group(1);
      }
    }
    throw new AssertionError("no ```" + language + " block starting with " + firstLine + " in the README");
  }

  private static String readme() throws IOException {
    return Files.readString(Path.of("../README.md"), StandardCharsets.UTF_8);
  }

  private static int closedPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
