package dev.breakglass.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakglass.AccessRequest;
import dev.breakglass.AccountPolicy;
import dev.breakglass.Approval;
import dev.breakglass.ApprovalSignature;
import dev.breakglass.BreakGlass;
import dev.breakglass.BreakGlassPolicy;
import dev.breakglass.Credential;
import dev.breakglass.CustodianKey;
import dev.breakglass.EmergencyAccessGrant;
import dev.breakglass.GrantStatus;
import dev.breakglass.core.BreakGlassEngine;
import dev.breakglass.spi.CredentialVault;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Signed approvals through the command line: carol's P-256 key lives in a real SoftHSM2 token (made
 * there by the JDK's keytool through SunPKCS11), dave's Ed25519 key in a key file. Both sign with
 * {@code breakglass approve}, the engine verifies and issues the grant, and {@code breakglass verify}
 * re-verifies both approvals offline from the log; a changed byte in a stored signature fails it
 * and names the record.
 */
class SignedApprovalCliTest {
  @TempDir Path dir;

  /** The vault of this test: one account, in memory (the test is about approvals, not storage). */
  static final class MapVault implements CredentialVault {
    final Map<String, char[]> secrets = new ConcurrentHashMap<>();

    @Override
    public Set<String> accounts() {
      return secrets.keySet();
    }

    @Override
    public Credential read(String account) {
      return Credential.copyOf(account, secrets.get(account));
    }

    @Override
    public void write(String account, char[] secret) {
      secrets.put(account, secret.clone());
    }
  }

  private static String field(String text, String name) {
    return text.lines().filter(l -> l.startsWith(name + ": ")).findFirst().orElseThrow()
        .substring(name.length() + 2).strip();
  }

  @Test
  void custodiansSignWithATokenAndAKeyFileAndTheLogReVerifies() throws Exception {
    SoftHsmToken token = SoftHsmToken.get();
    Path tokenConfig = dir.resolve("pkcs11.cfg");
    Files.writeString(tokenConfig, "name = keytool\nlibrary = " + token.library + "\nslotListIndex = 0\n");
    Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
        "-genkeypair", "-alias", "carol-piv", "-keyalg", "EC", "-groupname", "secp256r1", "-sigalg", "SHA256withECDSA",
        "-dname", "CN=carol", "-validity", "30", "-keystore", "NONE", "-storetype", "PKCS11",
        "-providerClass", "sun.security.pkcs11.SunPKCS11", "-providerArg", tokenConfig.toString(),
        "-storepass", token.pin).redirectErrorStream(true).start();
    String keytoolOutput = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(keytool.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(keytool.exitValue()).as(keytoolOutput).isZero();

    CliRunner cli = new CliRunner();
    cli.environment.put("TOKEN_PIN", token.pin);
    String[] tokenOptions = {"--pkcs11-library", token.library.toString(), "--slot-index", "0", "--alias", "carol-piv",
        "--pin-env", "TOKEN_PIN"};
    assertThat(cli.run(concat(new String[] {"keys", "public"}, tokenOptions))).as(cli.err).isEqualTo(BreakGlassCli.OK);
    String carolPublic = cli.out;
    assertThat(field(carolPublic, "kind")).isEqualTo("ecdsa-p256");

    Path daveKeyFile = dir.resolve("keys").resolve("dave.key");
    assertThat(cli.run("keys", "generate", "--out", daveKeyFile.toString())).as(cli.err).isEqualTo(BreakGlassCli.OK);
    String davePublic = cli.out;
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(daveKeyFile))).isEqualTo("rw-------");
    assertThat(cli.run("keys", "generate", "--out", daveKeyFile.toString())).isEqualTo(BreakGlassCli.USAGE);
    assertThat(cli.err).contains("already exists");

    Path data = dir.resolve("data");
    MapVault vault = new MapVault();
    vault.write("prod-db-admin", "s3cret-db-password".toCharArray());
    BreakGlassPolicy policy = BreakGlassPolicy.builder()
        .account(AccountPolicy.builder("prod-db-admin").requesters("alice").custodians("carol", "dave").approvals(2)
            .maxDuration(Duration.ofMinutes(30)).build())
        .incidentDeclarers("sre-lead").build();
    try (BreakGlass engine = BreakGlassEngine.builder().policy(policy).dataDirectory(data).vault(vault)
        .background(false).build()) {
      // While the identity provider is healthy, the host registers what each custodian printed.
      register(engine, "carol", carolPublic);
      register(engine, "dave", davePublic);
      engine.declareIncident("sre-lead", "IdP down");
      EmergencyAccessGrant grant = engine.requestAccess(AccessRequest.builder().requester("alice")
          .account("prod-db-admin").reason("IdP outage").duration(Duration.ofMinutes(20)).build());

      assertThat(cli.run(concat(new String[] {"approve", "--grant", grant.id(), "--request-digest",
          grant.requestDigest(), "--custodian", "carol"}, tokenOptions))).as(cli.err).isEqualTo(BreakGlassCli.OK);
      assertThat(cli.err).contains("breakglass-approval-v1", "decision: approve");
      engine.approve(Approval.of(grant, "carol").withSignature(ApprovalSignature.parse(cli.out)));

      assertThat(cli.run("approve", "--grant", grant.id(), "--request-digest", grant.requestDigest(), "--custodian",
          "dave", "--key-file", daveKeyFile.toString())).as(cli.err).isEqualTo(BreakGlassCli.OK);
      engine.approve(Approval.of(grant, "dave").withSignature(ApprovalSignature.parse(cli.out)));
      assertThat(grant.status()).isEqualTo(GrantStatus.ACTIVE);
    }

    Path audit = data.resolve("audit");
    String publicKey = data.resolve("audit.pub").toString();
    assertThat(cli.run("verify", audit.toString(), "--public-key", publicKey)).as(cli.out + cli.err)
        .isEqualTo(BreakGlassCli.OK);
    assertThat(cli.out).contains("2 signed approval(s) and denial(s) re-verified against 2 registered custodian key(s)");

    // One changed byte in dave's stored signature: the log no longer verifies, and the record is named.
    Path segment;
    try (Stream<Path> files = Files.list(audit)) {
      segment = files.filter(p -> p.getFileName().toString().endsWith(".bgaudit")).sorted().findFirst().orElseThrow();
    }
    byte[] bytes = Files.readAllBytes(segment);
    String log = new String(bytes, StandardCharsets.ISO_8859_1);
    int daves = log.lastIndexOf("\"signature.value\"");
    assertThat(daves).isPositive();
    int at = daves + "\"signature.value\":\"".length() + 5;
    bytes[at] = (byte) (bytes[at] == 'A' ? 'B' : 'A');
    Files.write(segment, bytes);
    assertThat(cli.run("verify", audit.toString(), "--public-key", publicKey)).isEqualTo(BreakGlassCli.FAILED);
    assertThat(cli.out + cli.err).containsPattern("record \\d+");
  }

  private static void register(BreakGlass engine, String custodian, String printed) {
    ApprovalSignature.Kind kind = ApprovalSignature.Kind.fromLabel(field(printed, "kind"));
    byte[] spki = Base64.getUrlDecoder().decode(field(printed, "public-key"));
    CustodianKey key = engine.custodianKeys().register(CustodianKey.raw(custodian, kind, spki, null), custodian);
    assertThat(key.keyId()).isEqualTo(field(printed, "key"));
  }

  private static String[] concat(String[] a, String[] b) {
    return Stream.concat(Stream.of(a), Stream.of(b)).toArray(String[]::new);
  }

  @SuppressWarnings("unused")
  private static List<String> lines(String s) throws IOException {
    return s.lines().toList();
  }
}
