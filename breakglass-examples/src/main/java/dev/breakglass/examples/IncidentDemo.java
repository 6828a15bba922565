package dev.breakglass.examples;

import dev.breakglass.AccessRequest;
import dev.breakglass.Approval;
import dev.breakglass.AuditEvent;
import dev.breakglass.AuditEventType;
import dev.breakglass.AuthenticatedPrincipal;
import dev.breakglass.Authenticator;
import dev.breakglass.BreakGlass;
import dev.breakglass.BreakGlassException;
import dev.breakglass.Credential;
import dev.breakglass.EmergencyAccessGrant;
import dev.breakglass.LoginAttempt;
import dev.breakglass.core.BreakGlassEngine;
import dev.breakglass.core.audit.AuditLogReader;
import dev.breakglass.core.audit.AuditLogVerifier;
import dev.breakglass.core.audit.AuditPublicKey;
import dev.breakglass.core.audit.Checkpoint;
import dev.breakglass.core.audit.PostIncidentReport;
import dev.breakglass.core.health.OidcDiscoveryProbe;
import dev.breakglass.core.rotation.SecretGenerator;
import dev.breakglass.core.rotation.VaultOnlyRotator;
import dev.breakglass.core.vault.Argon2Parameters;
import dev.breakglass.core.vault.EncryptedFileVault;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * An incident from start to finish on the embedded defaults: an application authenticates through
 * a local identity provider; the provider goes down; the health probes open the emergency path; an
 * on-call engineer gets the {@code prod-db-admin} break-glass account with two custodians'
 * approval; signs in through the guard; the grant expires; the credential is rotated; and the audit
 * trail tells the whole story.
 *
 * <p>Run it with {@code ./mvnw -q -Pdemo -pl breakglass-examples -am package -DskipTests}, or pass a
 * data directory as the first argument.
 */
public final class IncidentDemo {
  private static final String ACCOUNT = "prod-db-admin";

  private IncidentDemo() {}

  public static void main(String[] args) throws Exception {
    Path data = Path.of(args.length > 0 ? args[0] : "target/incident-demo").toAbsolutePath();
    run(data, System.out);
  }

  static void run(Path data, PrintStream console) throws Exception {
    deleteRecursively(data);
    Files.createDirectories(data);
    Timeline t = new Timeline(console);
    console.println("breakglass incident demo (data directory: " + data + ")");

    try (DemoIdentityProvider idp = new DemoIdentityProvider(Map.of("jane", "jane-password",
        "alice", "alice-password"))) {
      t.step("Setup: identity provider on " + idp.issuer() + ", policy, encrypted vault, audit log");
      Path policy = data.resolve("policy.yaml");
      try (InputStream in = IncidentDemo.class.getResourceAsStream("/incident-demo-policy.yaml")) {
        Files.copy(in, policy, StandardCopyOption.REPLACE_EXISTING);
      }
      char[] passphrase = randomPassphrase();
      EncryptedFileVault vault = EncryptedFileVault.create(data.resolve("vault.json"), passphrase,
          Argon2Parameters.recommended());
      java.util.Arrays.fill(passphrase, '\0');
      SecretGenerator generator = SecretGenerator.defaults();
      for (String account : Set.of(ACCOUNT, ACCOUNT + "-backup")) {
        char[] staged = generator.generate();
        vault.write(account, staged);
        java.util.Arrays.fill(staged, '\0');
      }
      t.say("pre-staged break-glass accounts in the vault: " + vault.accounts());

      BreakGlass breakGlass = BreakGlassEngine.builder()
          .policyFile(policy)
          .dataDirectory(data)
          .vault(vault)
          .healthProbe(OidcDiscoveryProbe.builder(idp.issuer()).timeout(Duration.ofMillis(500)).build())
          .rotator(VaultOnlyRotator.forAnyAccount(generator))
          .alertChannel(t)
          .healthCheckInterval(Duration.ofMillis(200))
          .sweepInterval(Duration.ofMillis(100))
          .fallThreshold(2)
          .riseThreshold(2)
          .build();
      try {
        story(t, idp, breakGlass);
      } finally {
        breakGlass.close();
        vault.close();
      }
    }
    printAuditTrail(t, data, console);
  }

  private static void story(Timeline t, DemoIdentityProvider idp, BreakGlass breakGlass) throws Exception {
    Authenticator login = breakGlass.guard(new IdpAuthenticator(idp.issuer()));

    t.step("Normal day: the identity provider is healthy");
    AuthenticatedPrincipal jane = login.authenticate(LoginAttempt.of("jane", "jane-password".toCharArray()));
    t.say("jane signed in through the identity provider: " + jane);
    attempt(t, "someone tries the break-glass account while all is well", () ->
        login.authenticate(LoginAttempt.of(ACCOUNT, "a-guess".toCharArray())));
    awaitAlert(t, AuditEventType.USE_OUTSIDE_EMERGENCY, 1);

    t.step("Outage: the identity provider goes down");
    idp.stop();
    await(t, "emergency path to open", () -> breakGlass.emergencyState().isEmergency());
    t.say("emergency state: " + breakGlass.emergencyState());
    attempt(t, "jane cannot sign in any more", () ->
        login.authenticate(LoginAttempt.of("jane", "jane-password".toCharArray())));

    t.step("Request: alice (on call) asks for " + ACCOUNT);
    EmergencyAccessGrant grant = breakGlass.requestAccess(AccessRequest.builder()
        .requester("alice")
        .account(ACCOUNT)
        .reason("IdP outage; primary database failover is stuck")
        .ticket("INC-4711")
        .identification("badge", "E-10442")
        .duration(Duration.ofSeconds(4))
        .clientAddress("10.20.30.40")
        .build());
    t.say("grant " + grant.id() + " is " + grant.status() + ", needs " + grant.approvalsRequired()
        + " approvals; request digest " + grant.requestDigest().substring(0, 16) + "...");

    t.step("Approvals: two of three custodians, never the requester");
    attempt(t, "alice approves her own request", () -> breakGlass.approve(Approval.of(grant, "alice")));
    breakGlass.approve(Approval.of(grant, "carol"));
    t.say("carol approved (" + grant.approvals().size() + " of " + grant.approvalsRequired() + ")");
    breakGlass.approve(Approval.of(grant, "dave"));
    t.say("dave approved (" + grant.approvals().size() + " of " + grant.approvalsRequired() + "): grant is "
        + grant.status() + " until " + grant.expiresAt().orElseThrow());

    t.step("Release: the credential leaves the vault once");
    char[] secret;
    try (Credential credential = grant.releaseCredential()) {
      secret = credential.secret().clone();
      t.say("released " + credential + " (" + secret.length + " characters, never printed)");
    }
    attempt(t, "a second release", grant::releaseCredential);

    t.step("Sign-in: alice uses the break-glass account through the guard");
    AuthenticatedPrincipal emergency = login.authenticate(LoginAttempt.of(ACCOUNT, secret.clone(), "10.20.30.40"));
    t.say("signed in: " + emergency + "; emergency access = " + emergency.isEmergencyAccess());

    t.step("Expiry: the grant ends on its own");
    await(t, "grant to expire", () -> grant.status().isTerminal());
    t.say("grant is " + grant.status());
    attempt(t, "alice signs in again after expiry", () ->
        login.authenticate(LoginAttempt.of(ACCOUNT, secret.clone())));

    t.step("Rotation: the used credential is replaced");
    awaitAlert(t, AuditEventType.CREDENTIAL_ROTATED, 1);

    t.step("Recovery: the identity provider comes back");
    idp.restart();
    await(t, "emergency path to close", () -> !breakGlass.emergencyState().isEmergency());
    awaitAlert(t, AuditEventType.EMERGENCY_CLOSED, 1);
    attempt(t, "the old break-glass credential is tried outside the emergency", () ->
        login.authenticate(LoginAttempt.of(ACCOUNT, secret.clone())));
    awaitAlert(t, AuditEventType.USE_OUTSIDE_EMERGENCY, 2);
    java.util.Arrays.fill(secret, '\0');
  }

  private static void attempt(Timeline t, String what, Runnable action) {
    try {
      action.run();
      throw new IllegalStateException("expected a refusal: " + what);
    } catch (BreakGlassException e) {
      t.say(what + " -> refused " + e.code() + ": " + e.getMessage());
    }
  }

  private static void awaitAlert(Timeline t, AuditEventType type, int count) throws InterruptedException {
    if (!t.awaitAlert(type, count, Duration.ofSeconds(30))) {
      throw new IllegalStateException("no " + type + " alert within 30 s");
    }
  }

  private static void await(Timeline t, String what, BooleanSupplier condition) throws InterruptedException {
    t.say("waiting for the " + what + "...");
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("timed out waiting for the " + what);
      }
      Thread.sleep(50);
    }
  }

  private static void printAuditTrail(Timeline t, Path data, PrintStream console) {
    Path log = data.resolve(BreakGlassEngine.AUDIT_DIRECTORY);
    t.step("Audit trail (" + log + ")");
    List<AuditEvent> events = AuditLogReader.readEvents(log);
    long n = 0;
    for (AuditEvent e : events) {
      if (e.type() == AuditEventType.ALERT_DELIVERED) {
        continue;
      }
      console.printf("  #%-3d %s  %-26s %-13s %s%n", n++, e.time(), e.type(), e.actor(),
          e.account() == null ? "" : e.account());
    }
    AuditPublicKey key = AuditPublicKey.read(data.resolve(BreakGlassEngine.AUDIT_PUBLIC_KEY_FILE));
    AuditLogVerifier.VerificationResult result = AuditLogVerifier.builder(key).requireSealed(true).build().verify(log);
    if (!result.valid()) {
      throw new IllegalStateException("audit log does not verify: " + result.problem());
    }
    Checkpoint last = Objects.requireNonNull(result.lastCheckpoint());
    console.printf("  verified with %s: %d records (%d alert deliveries among them), %d signed checkpoints;%n"
        + "  last checkpoint: tree size %d, root %s..., Ed25519 key %s%n",
        BreakGlassEngine.AUDIT_PUBLIC_KEY_FILE, result.records(),
        events.stream().filter(e -> e.type() == AuditEventType.ALERT_DELIVERED).count(), result.checkpoints(),
        last.treeSize(), HexFormat.of().formatHex(last.rootHash()).substring(0, 16), last.keyId());

    t.step("Post-incident review, produced from the audit log alone");
    console.println(PostIncidentReport.of(events).toText());
  }

  private static char[] randomPassphrase() {
    byte[] b = new byte[24];
    new SecureRandom().nextBytes(b);
    return java.util.Base64.getEncoder().encodeToString(b).toCharArray();
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
        Files.delete(p);
      }
    }
  }
}
