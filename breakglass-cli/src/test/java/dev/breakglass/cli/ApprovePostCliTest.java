package dev.breakglass.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakglass.AccessRequest;
import dev.breakglass.AccountPolicy;
import dev.breakglass.ApprovalSignature;
import dev.breakglass.BreakGlass;
import dev.breakglass.BreakGlassPolicy;
import dev.breakglass.CustodianKey;
import dev.breakglass.EmergencyAccessGrant;
import dev.breakglass.GrantStatus;
import dev.breakglass.console.BreakGlassConsole;
import dev.breakglass.console.ConsoleSettings;
import dev.breakglass.core.BreakGlassEngine;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code breakglass approve --post}: custodians without a browser sign with their key files and post
 * the decision to the real console (Jetty on loopback); the engine counts both, and a decision
 * signed for the wrong request digest is refused by the console with its reason code.
 */
class ApprovePostCliTest {
  @TempDir Path dir;

  private static String field(String text, String name) {
    return text.lines().filter(l -> l.startsWith(name + ": ")).findFirst().orElseThrow()
        .substring(name.length() + 2).strip();
  }

  private static void register(BreakGlass engine, String custodian, String printed) {
    ApprovalSignature.Kind kind = ApprovalSignature.Kind.fromLabel(field(printed, "kind"));
    byte[] spki = Base64.getUrlDecoder().decode(field(printed, "public-key"));
    engine.custodianKeys().register(CustodianKey.raw(custodian, kind, spki, null), custodian);
  }

  @Test
  void custodiansPostSignedDecisionsToTheConsole() throws Exception {
    CliRunner cli = new CliRunner();
    Path carolKey = dir.resolve("carol.key");
    Path daveKey = dir.resolve("dave.key");
    assertThat(cli.run("keys", "generate", "--out", carolKey.toString())).as(cli.err).isEqualTo(BreakGlassCli.OK);
    String carolPublic = cli.out;
    assertThat(cli.run("keys", "generate", "--out", daveKey.toString(), "--kind", "ecdsa-p256")).as(cli.err)
        .isEqualTo(BreakGlassCli.OK);
    String davePublic = cli.out;

    SignedApprovalCliTest.MapVault vault = new SignedApprovalCliTest.MapVault();
    vault.write("prod-db-admin", "s3cret".toCharArray());
    BreakGlassPolicy policy = BreakGlassPolicy.builder()
        .account(AccountPolicy.builder("prod-db-admin").requesters("alice").custodians("carol", "dave").approvals(2)
            .maxDuration(Duration.ofMinutes(30)).build())
        .incidentDeclarers("sre-lead").build();
    Server server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    server.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler();
    server.setHandler(context);
    server.start();
    String origin = "http://localhost:" + connector.getLocalPort();
    try (BreakGlass engine = BreakGlassEngine.builder().policy(policy).dataDirectory(dir.resolve("data")).vault(vault)
        .background(false).build()) {
      context.addServlet(new ServletHolder(new BreakGlassConsole(engine,
          ConsoleSettings.builder("localhost").origin(origin).build())), "/breakglass/*");
      register(engine, "carol", carolPublic);
      register(engine, "dave", davePublic);
      engine.declareIncident("sre-lead", "IdP down");
      EmergencyAccessGrant g = engine.requestAccess(AccessRequest.builder().requester("alice")
          .account("prod-db-admin").reason("IdP outage").duration(Duration.ofMinutes(20)).build());
      String console = origin + "/breakglass";

      String wrongDigest = "0".repeat(64);
      assertThat(cli.run("approve", "--grant", g.id(), "--request-digest", wrongDigest, "--custodian", "carol",
          "--key-file", carolKey.toString(), "--post", console)).isEqualTo(BreakGlassCli.FAILED);
      assertThat(cli.err).contains("HTTP 403", "APPROVAL_MISMATCH");

      assertThat(cli.run("approve", "--grant", g.id(), "--request-digest", g.requestDigest(), "--custodian", "carol",
          "--key-file", carolKey.toString(), "--post", console)).as(cli.err).isEqualTo(BreakGlassCli.OK);
      assertThat(cli.out).contains("posted: " + g.id(), "1 of 2");
      assertThat(cli.run("approve", "--grant", g.id(), "--request-digest", g.requestDigest(), "--custodian", "dave",
          "--key-file", daveKey.toString(), "--post", console)).as(cli.err).isEqualTo(BreakGlassCli.OK);
      assertThat(engine.grant(g.id()).orElseThrow().status()).isEqualTo(GrantStatus.ACTIVE);
    } finally {
      server.stop();
    }
  }
}
