package dev.breakglass.examples;

import dev.breakglass.AccessRequest;
import dev.breakglass.Approval;
import dev.breakglass.AuditEvent;
import dev.breakglass.AuditEventType;
import dev.breakglass.AuthenticatedPrincipal;
import dev.breakglass.Authenticator;
import dev.breakglass.BreakGlass;
import dev.breakglass.BreakGlassException;
import dev.breakglass.DrillResult;
import dev.breakglass.Credential;
import dev.breakglass.EmergencyAccessGrant;
import dev.breakglass.EmergencyState;
import dev.breakglass.LoginAttempt;
import dev.breakglass.core.BreakGlassEngine;
import dev.breakglass.core.audit.AuditLogReader;
import dev.breakglass.core.audit.AuditLogVerifier;
import dev.breakglass.core.audit.AuditPublicKey;
import dev.breakglass.core.audit.Checkpoint;
import dev.breakglass.core.audit.PostIncidentReport;
import dev.breakglass.core.evidence.DrillEvidence;
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
import java.nio.charset.StandardCharsets;
import java.nio.file.StandardCopyOption;
import java.time.temporal.ChronoUnit;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Comparator;
import java.util.Base64;
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
    String drillId;

    try (DemoIdentityProvider idp = new DemoIdentityProvider(Map.of("jane", "jane-password",
        "alice", "alice-password"))) {
      t.step("Setup: identity provider on " + idp.issuer() + ", policy, encrypted vault, audit log",
          AuditEventType.ENGINE_STARTED);
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
          // generous: a slow first round on a busy machine would open the emergency before the story starts;
          // a stopped provider refuses connections at once, so the outage is seen as fast
          .healthProbe(OidcDiscoveryProbe.builder(idp.issuer()).timeout(Duration.ofSeconds(3)).build())
          .rotator(VaultOnlyRotator.forAnyAccount(generator))
          .alertChannel(t)
          .healthCheckInterval(Duration.ofMillis(200))
          .sweepInterval(Duration.ofMillis(100))
          .fallThreshold(2)
          .riseThreshold(2)
          .build();
      try {
        drillId = story(t, idp, breakGlass);
      } finally {
        breakGlass.close();
        vault.close();
      }
    }
    printAuditTrail(t, data, console);
    printDrillEvidence(t, data, drillId, console);
  }

  /** The incident, then a drill; returns the drill's id. */
  private static String story(Timeline t, DemoIdentityProvider idp, BreakGlass breakGlass) throws Exception {
    Authenticator login = breakGlass.guard(new IdpAuthenticator(idp.issuer()));

    t.step("Normal day: the identity provider is healthy", AuditEventType.USE_OUTSIDE_EMERGENCY);
    AuthenticatedPrincipal jane = login.authenticate(LoginAttempt.of("jane", "jane-password".toCharArray()));
    t.say("jane signed in through the identity provider: " + jane);
    attempt(t, "someone tries the break-glass account while all is well", () ->
        login.authenticate(LoginAttempt.of(ACCOUNT, "a-guess".toCharArray())));
    t.say("the caller gets the identity provider's own answer; the audit record and the CRITICAL alert say"
        + " NOT_IN_EMERGENCY");

    t.step("Outage: the identity provider goes down", AuditEventType.PROBE_FAILED, AuditEventType.EMERGENCY_OPENED);
    idp.stop();
    await(t, "emergency path to open", () -> breakGlass.emergencyState().isEmergency());
    EmergencyState state = breakGlass.emergencyState();
    t.say("emergency state: " + (state.isEmergency() ? "OPEN" : "closed") + " (primary "
        + (state.primaryHealthy() ? "healthy" : "unhealthy") + ") since " + state.since().truncatedTo(ChronoUnit.SECONDS));
    attempt(t, "jane cannot sign in any more", () ->
        login.authenticate(LoginAttempt.of("jane", "jane-password".toCharArray())));

    t.step("Request: alice (on call) asks for " + ACCOUNT, AuditEventType.ACCESS_REQUESTED);
    EmergencyAccessGrant grant = breakGlass.requestAccess(AccessRequest.builder()
        .requester("alice")
        .account(ACCOUNT)
        .reason("IdP outage; primary database failover is stuck")
        .ticket("INC-4711")
        .identification("badge", "E-10442")
        .duration(Duration.ofSeconds(4))
        .clientAddress("10.20.30.40")
        .build());
    t.say("grant " + grant.id() + " is " + grant.status() + ", needs " + count(grant.approvalsRequired(), "approval")
        + "; request digest " + grant.requestDigest().substring(0, 16) + "...");

    t.step("Approvals: two of three custodians, never the requester", AuditEventType.APPROVAL_REFUSED,
        AuditEventType.APPROVAL_ACCEPTED, AuditEventType.APPROVAL_ACCEPTED, AuditEventType.GRANT_ISSUED);
    attempt(t, "alice approves her own request", () -> breakGlass.approve(Approval.of(grant, "alice")));
    breakGlass.approve(Approval.of(grant, "carol"));
    t.say("carol approved (" + grant.approvals().size() + " of " + grant.approvalsRequired() + ")");
    breakGlass.approve(Approval.of(grant, "dave"));
    t.say("dave approved (" + grant.approvals().size() + " of " + grant.approvalsRequired() + "): grant is "
        + grant.status() + " until " + grant.expiresAt().orElseThrow().truncatedTo(ChronoUnit.SECONDS));

    t.step("Release: the credential leaves the vault once", AuditEventType.CREDENTIAL_RELEASED,
        AuditEventType.CREDENTIAL_RELEASE_REFUSED);
    char[] secret;
    try (Credential credential = grant.releaseCredential()) {
      secret = credential.secret().clone();
      t.say("released " + credential + " (" + count(secret.length, "character") + ", never printed)");
    }
    attempt(t, "a second release", grant::releaseCredential);

    t.step("Sign-in: alice uses the break-glass account through the guard", AuditEventType.EMERGENCY_LOGIN);
    AuthenticatedPrincipal emergency = login.authenticate(LoginAttempt.of(ACCOUNT, secret.clone(), "10.20.30.40"));
    t.say("signed in: " + emergency + "; emergency access = " + emergency.isEmergencyAccess());

    t.step("Expiry: the grant ends on its own", AuditEventType.GRANT_EXPIRED, AuditEventType.EMERGENCY_LOGIN_REFUSED);
    await(t, "grant to expire", () -> grant.status().isTerminal());
    t.say("grant is " + grant.status());
    attempt(t, "alice signs in again after expiry", () ->
        login.authenticate(LoginAttempt.of(ACCOUNT, secret.clone())));
    t.say("every refused emergency login gets the same answer; the audit record says GRANT_NOT_ACTIVE");

    t.step("Rotation: the used credential is replaced", AuditEventType.ROTATION_STARTED,
        AuditEventType.CREDENTIAL_ROTATED);
    t.say("the engine rotates a credential as soon as its grant has ended; its alerts follow");

    t.step("Recovery: the identity provider comes back", AuditEventType.PROBE_RECOVERED,
        AuditEventType.EMERGENCY_CLOSED);
    idp.restart();
    await(t, "emergency path to close", () -> !breakGlass.emergencyState().isEmergency());
    attempt(t, "the old break-glass credential is tried outside the emergency", () ->
        login.authenticate(LoginAttempt.of(ACCOUNT, secret.clone())));
    t.say("audited as USE_OUTSIDE_EMERGENCY; its alert joins the minute's summary of refused logins, so a"
        + " storm of attempts raises one alert, not thousands");
    java.util.Arrays.fill(secret, '\0');

    t.step("Drill: the quarterly rehearsal of the real procedure, outside any emergency",
        AuditEventType.DRILL_STARTED, AuditEventType.ACCESS_REQUESTED, AuditEventType.APPROVAL_ACCEPTED,
        AuditEventType.APPROVAL_ACCEPTED, AuditEventType.GRANT_ISSUED, AuditEventType.CREDENTIAL_RELEASED,
        AuditEventType.GRANT_CLOSED, AuditEventType.ROTATION_STARTED, AuditEventType.CREDENTIAL_ROTATED,
        AuditEventType.DRILL_COMPLETED);
    EmergencyAccessGrant drillGrant = breakGlass.requestDrill(AccessRequest.builder()
        .requester("alice")
        .account(ACCOUNT)
        .reason("quarterly break-glass drill")
        .ticket("DRILL-2026-Q4")
        .identification("badge", "E-10442")
        .duration(Duration.ofMinutes(5))
        .build());
    t.say("drill " + drillGrant.id() + " filed by alice; the custodians approve it like any request");
    breakGlass.approve(Approval.of(drillGrant, "carol"));
    breakGlass.approve(Approval.of(drillGrant, "dave"));
    t.say("carol and dave approved (" + drillGrant.approvals().size() + " of " + drillGrant.approvalsRequired() + ")");
    DrillResult drill = breakGlass.completeDrill(drillGrant.id(), "alice");
    if (!drill.succeeded()) {
      throw new IllegalStateException("the drill failed at " + drill.failedStep() + ": " + drill.detail());
    }
    t.say("drill " + drill.drillId() + " passed: " + drill.detail());
    t.finish();
    return drill.drillId();
  }

  private static void attempt(Timeline t, String what, Runnable action) {
    try {
      action.run();
      throw new IllegalStateException("expected a refusal: " + what);
    } catch (BreakGlassException e) {
      t.say(what + " -> refused " + e.code() + ": " + e.getMessage());
    }
  }

  /** {@code n} and the word, plural unless n is 1: "1 approval", "2 approvals". */
  static String count(long n, String word) {
    return n + " " + (n == 1 ? word : word.endsWith("y") ? word.substring(0, word.length() - 1) + "ies" : word + "s");
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

  private static void printAuditTrail(Timeline t, Path data, PrintStream console) throws Exception {
    Path log = data.resolve(BreakGlassEngine.AUDIT_DIRECTORY);
    t.step("Audit trail (" + log + ")");
    List<AuditEvent> events = AuditLogReader.readEvents(log);
    long n = 0;
    for (AuditEvent e : events) {
      if (e.type() == AuditEventType.ALERT_DELIVERED) {
        continue;
      }
      console.printf("  #%-3d %s  %-26s %-13s %s%n", n++, e.time().truncatedTo(ChronoUnit.SECONDS), e.type(), e.actor(),
          e.account() == null ? "" : e.account());
    }
    Path publicKey = data.resolve(BreakGlassEngine.AUDIT_PUBLIC_KEY_FILE);
    AuditPublicKey key = AuditPublicKey.read(publicKey);
    AuditLogVerifier.VerificationResult result = AuditLogVerifier.builder(key).requireSealed(true).build().verify(log);
    if (!result.valid()) {
      throw new IllegalStateException("audit log does not verify: " + result.problem());
    }
    Checkpoint last = Objects.requireNonNull(result.lastCheckpoint());
    long deliveries = events.stream().filter(e -> e.type() == AuditEventType.ALERT_DELIVERED).count();
    console.printf("  verified with %s: %s (%s among them), %s;%n  last checkpoint: %s, root %s, Ed25519 key %s%n",
        BreakGlassEngine.AUDIT_PUBLIC_KEY_FILE, count(result.records(), "record"), count(deliveries, "alert delivery"),
        count(result.checkpoints(), "signed checkpoint"), count(last.treeSize(), "record"),
        Base64.getEncoder().encodeToString(last.rootHash()), last.keyId());

    t.step("Post-incident review, produced from the audit log alone");
    PostIncidentReport report = PostIncidentReport.of(events).verifiedAgainst(last);
    console.println(report.toText());
    Path html = data.resolve("review.html");
    Path json = data.resolve("review.json");
    Path markdown = data.resolve("review.md");
    Files.writeString(html, report.toHtml(), StandardCharsets.UTF_8);
    Files.writeString(json, report.toJson(), StandardCharsets.UTF_8);
    Files.writeString(markdown, report.toMarkdown(), StandardCharsets.UTF_8);
    t.say("the same review, written for reviewers and for programs (the breakglass command writes it too:");
    t.say("  breakglass report " + log + " --public-key " + publicKey + " --format html --out review.html;");
    t.say("  in production, pass a copy of " + BreakGlassEngine.AUDIT_PUBLIC_KEY_FILE
        + " kept outside the data directory, and a witnessed checkpoint with --checkpoint)");
    console.println("  HTML (open in a browser): " + html);
    console.println("  JSON:                     " + json);
    console.println("  Markdown:                 " + markdown);
  }

  /** The drill's signed evidence pack and HTML report, written from the closed log and checked offline. */
  private static void printDrillEvidence(Timeline t, Path data, String drillId, PrintStream console)
      throws InterruptedException {
    t.step("Drill evidence, written from the audit log and checked offline");
    DrillEvidence.Written written = DrillEvidence.export(data, drillId, data.resolve(DrillEvidence.DIRECTORY));
    Path publicKey = data.resolve(BreakGlassEngine.AUDIT_PUBLIC_KEY_FILE);
    DrillEvidence.Verification verified = DrillEvidence.verify(written.pack(), AuditPublicKey.read(publicKey));
    if (!verified.valid()) {
      throw new IllegalStateException("the drill evidence does not verify: " + verified.failures());
    }
    t.say("drill " + drillId + " of " + written.account() + ": " + (written.passed() ? "passed" : "failed") + "; "
        + count(written.records(), "record") + ", each proven against the signed checkpoint of "
        + count(written.checkpoint().treeSize(), "record") + ", root "
        + Base64.getEncoder().encodeToString(written.checkpoint().rootHash()));
    t.say("check it anywhere: breakglass evidence verify " + written.pack() + " --public-key " + publicKey);
    console.println("  Drill report (HTML): " + written.report());
    console.println("  Drill evidence pack: " + written.pack());
  }

  private static char[] randomPassphrase() {
    byte[] b = new byte[24];
    new SecureRandom().nextBytes(b);
    return Base64.getEncoder().encodeToString(b).toCharArray();
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
