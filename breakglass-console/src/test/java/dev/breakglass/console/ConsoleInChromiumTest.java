package dev.breakglass.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakglass.AccountPolicy;
import dev.breakglass.AuditEvent;
import dev.breakglass.AuditEventType;
import dev.breakglass.BreakGlass;
import dev.breakglass.BreakGlassPolicy;
import dev.breakglass.Credential;
import dev.breakglass.core.BreakGlassEngine;
import dev.breakglass.core.approval.ApprovalLogVerifier;
import dev.breakglass.core.approval.SignatureVerifiers;
import dev.breakglass.core.audit.AuditLogReader;
import dev.breakglass.spi.Alert;
import dev.breakglass.spi.AlertChannel;
import dev.breakglass.spi.CredentialVault;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import dev.breakglass.EmergencyAccessGrant;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.openqa.selenium.virtualauthenticator.HasVirtualAuthenticator;
import org.openqa.selenium.virtualauthenticator.VirtualAuthenticator;
import org.openqa.selenium.virtualauthenticator.VirtualAuthenticatorOptions;

/**
 * The console end to end in real headless Chromium (Debian's {@code chromium} and
 * {@code chromium-driver}; nothing is downloaded), each person with their own WebAuthn virtual
 * authenticator: three people (a requester who is no custodian, and two custodians) enroll a
 * security key while the identity provider is up; the identity provider goes down; a custodian signs
 * in with the key alone and declares an incident; the requester signs in with hers and files a
 * request, the custodians' alert links to its page, and her own approval is refused as
 * self-approval; each custodian approves with their key; the requester releases the credential.
 * A second run does it with the keyboard alone (tab order, a visible focus ring, labels and text
 * contrast on every page) and removes a key. Then the log re-verifies every
 * approval offline, and a changed byte in a stored assertion names its record. A screenshot of each
 * page goes to {@code target/screenshots/console-*.png}. Without Chromium the test is skipped
 * locally and fails when {@code CI} is set.
 */
class ConsoleInChromiumTest {
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  private static final String SECRET = "s3cret-db-password";

  @TempDir Path dir;
  ChromeDriver driver;
  Path userData;
  Server server;
  BreakGlass engine;
  String base;
  final AtomicBoolean idpUp = new AtomicBoolean(true);
  /** Each person's security key: the credentials it holds while it is not plugged in. */
  final Map<String, List<org.openqa.selenium.virtualauthenticator.Credential>> keys = new HashMap<>();
  VirtualAuthenticator plugged;
  String pluggedFor;

  /** The vault of this test: one account, in memory. */
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

  /** The host's identity provider: signs in whoever the {@code idp-user} cookie names, while it is up. */
  final class FakeIdp implements Filter {
    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
        throws IOException, ServletException {
      HttpServletRequest http = (HttpServletRequest) request;
      String user = null;
      if (idpUp.get() && http.getCookies() != null) {
        for (Cookie c : http.getCookies()) {
          if (c.getName().equals("idp-user")) {
            user = c.getValue();
          }
        }
      }
      String signedIn = user;
      chain.doFilter(new HttpServletRequestWrapper(http) {
        @Override
        public String getRemoteUser() {
          return signedIn;
        }
      }, response);
    }
  }

  /** What custodians' pagers receive. */
  final BlockingQueue<Alert> alerts = new LinkedBlockingQueue<>();

  final class CapturedAlerts implements AlertChannel {
    @Override
    public String name() {
      return "pager";
    }

    @Override
    public void deliver(Alert alert) {
      alerts.add(alert);
    }
  }

  /** The alert of {@code type} about {@code grantId}, waiting for the outbox to deliver it. */
  private Alert alert(AuditEventType type, String grantId) throws InterruptedException {
    while (true) {
      Alert a = alerts.poll(60, TimeUnit.SECONDS);
      assertThat(a).as("no " + type + " alert about " + grantId + " was delivered").isNotNull();
      if (a.type() == type && grantId.equals(a.grantId())) {
        return a;
      }
    }
  }

  @BeforeEach
  void start() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    String origin = "http://localhost:" + port;
    MapVault vault = new MapVault();
    vault.write("prod-db-admin", SECRET.toCharArray());
    // alice requests and is no custodian: she registers a key only to sign in while the IdP is down.
    BreakGlassPolicy policy = BreakGlassPolicy.builder()
        .account(AccountPolicy.builder("prod-db-admin").requesters("alice").custodians("carol", "dave").approvals(2)
            .maxDuration(Duration.ofMinutes(60)).build())
        .incidentDeclarers("carol", "dave").build();
    engine = BreakGlassEngine.builder().policy(policy).dataDirectory(dir.resolve("data")).vault(vault)
        .background(false).property("approval-signatures", "webauthn")
        .property("approval-signature.webauthn.rp-id", "localhost")
        .property("approval-signature.webauthn.origins", origin)
        .property("alert.console-url", origin + "/breakglass")
        .alertChannel(new CapturedAlerts()).build();
    server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(port);
    server.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler();
    context.addFilter(new FilterHolder(new FakeIdp()), "/*", EnumSet.of(DispatcherType.REQUEST));
    context.addServlet(new ServletHolder(new BreakGlassConsole(engine,
        ConsoleSettings.builder("localhost").origin(origin).build())), "/breakglass/*");
    server.setHandler(context);
    server.start();
    base = origin + "/breakglass";
    startChromium();
  }

  private void startChromium() throws IOException {
    String why = null;
    if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
      why = CHROMIUM + " or " + CHROMEDRIVER + " is missing (apt-get install chromium chromium-driver)";
    } else {
      userData = Files.createTempDirectory("breakglass-console-chromium-");
      ChromeOptions options = new ChromeOptions();
      options.setBinary(CHROMIUM.toFile());
      options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
          "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
          "--user-data-dir=" + userData, "--window-size=1280,1000");
      ChromeDriverService service = new ChromeDriverService.Builder()
          .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
      try {
        driver = new ChromeDriver(service, options);
      } catch (RuntimeException e) {
        why = "Chromium did not start: " + e.getMessage().lines().findFirst().orElse(e.toString());
      }
    }
    if (why != null) {
      if (System.getenv("CI") != null) {
        Assertions.fail("CI is set, so the browser test must run: " + why);
      }
      Assumptions.abort(why);
    }
  }

  @AfterEach
  void stop() throws Exception {
    if (driver != null) {
      driver.quit();
    }
    if (server != null) {
      server.stop();
    }
    if (engine != null) {
      engine.close();
    }
    if (userData != null) {
      try (var walk = Files.walk(userData)) {
        walk.sorted(java.util.Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
      }
    }
  }

  /** Unplugs the key in use (keeping its credentials) and plugs in {@code who}'s. */
  private void plugIn(String who) {
    HasVirtualAuthenticator va = driver;
    if (plugged != null) {
      keys.put(pluggedFor, plugged.getCredentials());
      va.removeVirtualAuthenticator(plugged);
    }
    plugged = va.addVirtualAuthenticator(new VirtualAuthenticatorOptions()
        .setProtocol(VirtualAuthenticatorOptions.Protocol.CTAP2)
        .setTransport(VirtualAuthenticatorOptions.Transport.USB)
        .setHasResidentKey(false).setHasUserVerification(true).setIsUserVerified(true).setIsUserConsenting(true));
    pluggedFor = who;
    keys.getOrDefault(who, List.of()).forEach(plugged::addCredential);
  }

  private WebDriverWait waiting() {
    // A page reloading under the wait (after a decision) makes elements stale for a moment: retry.
    WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(60));
    wait.ignoring(org.openqa.selenium.WebDriverException.class);
    return wait;
  }

  private void screenshot(String name) throws IOException {
    Path shot = Path.of("target", "screenshots", "console-" + name + ".png");
    Files.createDirectories(shot.getParent());
    Files.copy(driver.getScreenshotAs(OutputType.FILE).toPath(), shot, StandardCopyOption.REPLACE_EXISTING);
    assertThat(Files.size(shot)).isGreaterThan(5_000);
  }

  private String status() {
    return driver.findElement(By.id("status")).getText();
  }

  private void enroll(String who) throws IOException {
    plugIn(who);
    driver.manage().deleteAllCookies();
    driver.get(base + "/");
    driver.manage().addCookie(new org.openqa.selenium.Cookie("idp-user", who));
    driver.get(base + "/keys");
    driver.findElement(By.id("key-label")).clear();
    driver.findElement(By.id("key-label")).sendKeys(who + "'s YubiKey");
    driver.findElement(By.id("register")).click();
    waiting().until(d -> status().contains("registered") || status().contains(":"));
    assertThat(status()).startsWith("Security key registered");
    if (who.equals("carol")) {
      screenshot("1-register-key");
    }
  }

  private void signIn(String who) {
    plugIn(who);
    driver.manage().deleteAllCookies();
    driver.get(base + "/signin");
    driver.findElement(By.id("username")).sendKeys(who);
    driver.findElement(By.id("signin")).click();
    waiting().until(ExpectedConditions.presenceOfElementLocated(By.id("who")));
    assertThat(driver.findElement(By.id("who")).getText()).isEqualTo("Signed in as " + who);
  }

  private void approveAs(String who, String requestPage) throws IOException {
    signIn(who);
    driver.get(requestPage);
    int before = approvals();
    driver.findElement(By.id("approve")).click();
    waiting().until(d -> d.findElements(By.className("flash")).size() > 0 || status().contains(":"));
    assertThat(driver.findElement(By.className("flash")).getText()).isEqualTo("Approved with your security key.");
    assertThat(approvals()).isEqualTo(before + 1);
    screenshot("5-approved-by-" + who);
  }

  private int approvals() {
    List<org.openqa.selenium.WebElement> dts = driver.findElements(By.cssSelector("dl.covered dt"));
    for (int i = 0; i < dts.size(); i++) {
      if (dts.get(i).getText().equals("Approvals")) {
        return Integer.parseInt(driver.findElements(By.cssSelector("dl.covered dd")).get(i).getText().split(" ")[0]);
      }
    }
    throw new AssertionError("no Approvals on the page");
  }

  /** A copy of carol's key whose counter lags behind (a cloned authenticator) cannot sign in. */
  private void cloneOfCarolsKeyIsRefused() throws IOException {
    plugIn("dave");
    org.openqa.selenium.virtualauthenticator.Credential original = keys.get("carol").get(0);
    keys.put("carol-clone", List.of(org.openqa.selenium.virtualauthenticator.Credential.createNonResidentCredential(
        original.getId(), original.getRpId(), original.getPrivateKey(), 1)));
    plugIn("carol-clone");
    driver.manage().deleteAllCookies();
    driver.get(base + "/signin");
    driver.findElement(By.id("username")).sendKeys("carol");
    driver.findElement(By.id("signin")).click();
    waiting().until(d -> status().contains(":"));
    assertThat(status()).startsWith("SIGNATURE_COUNTER_REGRESSED:");
    assertThat(driver.findElements(By.id("who"))).isEmpty();
    screenshot("5-cloned-key-refused");
  }

  /** WCAG relative luminance and contrast, computed by the browser over what it actually renders. */
  private static final String COLOURS = """
      const rgb = c => { const p = c.match(/[\\d.]+/g).map(Number); return p.length > 3 && p[3] === 0 ? null : p; };
      const lum = p => { const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
        return 0.2126 * f(p[0]) + 0.7152 * f(p[1]) + 0.0722 * f(p[2]); };
      const ratio = (a, b) => { const x = lum(a), y = lum(b); return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05); };
      const background = el => { for (let e = el; e; e = e.parentElement) {
          const c = rgb(getComputedStyle(e).backgroundColor); if (c) { return c; } } return [255, 255, 255]; };
      """;

  /** Every element showing text whose colour has less than 4.5:1 contrast against its background. */
  @SuppressWarnings("unchecked")
  private List<String> lowContrastText() {
    return (List<String>) driver.executeScript(COLOURS + """
        const low = [];
        for (const el of document.querySelectorAll('body *')) {
          const text = Array.from(el.childNodes).some(n => n.nodeType === 3 && n.textContent.trim() !== '');
          const r = el.getBoundingClientRect();
          if (!text || r.width === 0 || r.right < 0 || r.bottom < 0) { continue; }
          const c = ratio(rgb(getComputedStyle(el).color), background(el));
          if (c < 4.5) { low.push(el.tagName + ' "' + el.textContent.trim().slice(0, 40) + '" ' + c.toFixed(2)); }
        }
        return low;
        """);
  }

  /** The focused element and whether its focus ring shows: at least 2px, 3:1 against what is around it. */
  private String focused() {
    return (String) driver.executeScript(COLOURS + """
        const el = document.activeElement, s = getComputedStyle(el);
        const ring = rgb(s.outlineColor);
        const shows = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2 && ring
            && ratio(ring, background(el.parentElement)) >= 3 && el.getBoundingClientRect().left >= 0;
        return (el.id || el.getAttribute('href') || el.tagName) + (shows ? '' : ' (focus not visible)');
        """);
  }

  /** Presses Tab until {@code id} has the focus; returns what had it on the way, each checked for a visible ring. */
  private List<String> tabTo(String id) {
    List<String> seen = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      new Actions(driver).sendKeys(Keys.TAB).perform();
      String f = focused();
      seen.add(f);
      assertThat(f).as("focus ring of " + f + " on " + driver.getCurrentUrl()).doesNotEndWith("(focus not visible)");
      if (f.equals(id)) {
        return seen;
      }
    }
    throw new AssertionError("Tab never reached #" + id + " on " + driver.getCurrentUrl() + "; it went " + seen);
  }

  /** Labels, keyboard focus and contrast of the page on screen. */
  private void accessible() {
    everyFieldIsLabelled();
    assertThat(lowContrastText()).as("text under 4.5:1 on " + driver.getCurrentUrl()).isEmpty();
  }

  /** Every visible field has a label that names it. */
  private void everyFieldIsLabelled() {
    for (org.openqa.selenium.WebElement input : driver.findElements(By.cssSelector("input:not([type=hidden]), select"))) {
      String id = input.getAttribute("id");
      assertThat(id).as("a field without id on " + driver.getCurrentUrl()).isNotBlank();
      assertThat(driver.findElements(By.cssSelector("label[for='" + id + "']"))).as("label for " + id).isNotEmpty();
    }
  }

  @Test
  void theConsoleWorksFromTheKeyboardAloneWithLabelsVisibleFocusAndReadableContrast() throws Exception {
    enroll("alice");
    accessible();
    idpUp.set(false);
    engine.declareIncident("carol", "IdP down since 03:10");

    // Sign in: the first Tab reaches the skip link, shown on focus; then the name field and the button.
    plugIn("alice");
    driver.manage().deleteAllCookies();
    driver.get(base + "/signin");
    accessible();
    assertThat(tabTo("#main")).containsExactly("#main");
    tabTo("username");
    new Actions(driver).sendKeys("alice").perform();
    tabTo("signin");
    new Actions(driver).sendKeys(Keys.ENTER).perform();
    waiting().until(ExpectedConditions.presenceOfElementLocated(By.id("who")));
    accessible();

    // File a request with the keyboard alone, in the order the form reads.
    driver.get(base + "/request");
    accessible();
    List<String> order = new ArrayList<>(tabTo("account"));
    new Actions(driver).sendKeys(Keys.ARROW_DOWN).perform();
    order.addAll(tabTo("reason"));
    new Actions(driver).sendKeys("replication stuck").perform();
    order.addAll(tabTo("ticket"));
    new Actions(driver).sendKeys("INC-4711").perform();
    order.addAll(tabTo("identification"));
    new Actions(driver).sendKeys("call back on +41 44 000 00 00").perform();
    order.addAll(tabTo("minutes"));
    new Actions(driver).keyDown(Keys.CONTROL).sendKeys("a").keyUp(Keys.CONTROL).sendKeys("15").perform();
    order.addAll(tabTo("file"));
    assertThat(order).containsSubsequence("account", "reason", "ticket", "identification", "minutes", "file");
    screenshot("8-keyboard-focus");
    new Actions(driver).sendKeys(Keys.ENTER).perform();
    waiting().until(ExpectedConditions.urlContains("/requests/"));
    String grantId = driver.getCurrentUrl().substring(driver.getCurrentUrl().lastIndexOf('/') + 1);
    EmergencyAccessGrant filed = engine.grant(grantId).orElseThrow();
    assertThat(filed.requester()).isEqualTo("alice");
    assertThat(filed.reason()).isEqualTo("replication stuck");
    assertThat(filed.ticket()).hasValue("INC-4711");
    assertThat(filed.duration()).isEqualTo(Duration.ofMinutes(15));
    accessible();

    // Remove her key with the keyboard: it is gone, and the removal is audited.
    driver.get(base + "/keys");
    accessible();
    tabTo("remove-reason-0");
    new Actions(driver).sendKeys("left it on the train", Keys.ENTER).perform();
    waiting().until(d -> d.findElement(By.className("flash")).getText().startsWith("Key "));
    assertThat(engine.custodianKeys().keys("alice")).isEmpty();
    accessible();
    driver.get(base + "/");
    accessible();
  }

  @Test
  void custodiansApproveWithTheirSecurityKeysWhileTheIdentityProviderIsDown() throws Exception {
    for (String who : List.of("alice", "carol", "dave")) {
      enroll(who);
    }
    assertThat(engine.policy().account("prod-db-admin").orElseThrow().isCustodian("alice")).isFalse();
    assertThat(engine.custodianKeys().keys("carol")).singleElement()
        .satisfies(k -> assertThat(k.label()).isEqualTo("carol's YubiKey"));

    idpUp.set(false);
    driver.manage().deleteAllCookies();
    driver.get(base + "/keys");
    assertThat(driver.findElements(By.id("register"))).isEmpty();

    signIn("carol");
    everyFieldIsLabelled();
    screenshot("2-signed-in");
    driver.findElement(By.id("declare-reason")).sendKeys("IdP down since 03:10");
    driver.findElement(By.cssSelector("form[action$='/incident/declare'] button")).click();
    waiting().until(d -> d.findElement(By.className("flash")).getText().equals("Incident declared."));
    assertThat(engine.emergencyState().isEmergency()).isTrue();

    signIn("alice");
    driver.get(base + "/request");
    new org.openqa.selenium.support.ui.Select(driver.findElement(By.id("account"))).selectByValue("prod-db-admin");
    driver.findElement(By.id("reason")).sendKeys("restore replication <script>alert(1)</script>");
    driver.findElement(By.id("ticket")).sendKeys("INC-4711");
    driver.findElement(By.id("identification")).sendKeys("call me on +41 44 000 00 00");
    driver.findElement(By.id("minutes")).clear();
    driver.findElement(By.id("minutes")).sendKeys("20");
    everyFieldIsLabelled();
    screenshot("3-file-request");
    driver.findElement(By.id("file")).click();
    waiting().until(ExpectedConditions.urlContains("/requests/"));
    String requestPage = driver.getCurrentUrl();
    String grantId = requestPage.substring(requestPage.lastIndexOf('/') + 1);
    assertThat(driver.findElement(By.cssSelector("dl.covered")).getText())
        .contains("restore replication <script>alert(1)</script>", "INC-4711", grantId,
            engine.grant(grantId).orElseThrow().requestDigest());
    screenshot("4-request");

    // The custodians' alert links to this very page.
    assertThat(alert(AuditEventType.ACCESS_REQUESTED, grantId).details()).containsEntry("console", requestPage);

    // Her own approval, signed with her own registered key, is refused with its reason code.
    driver.findElement(By.id("approve")).click();
    waiting().until(d -> status().contains(":"));
    assertThat(status()).startsWith("SELF_APPROVAL:");
    screenshot("4-self-approval-refused");

    approveAs("carol", requestPage);
    cloneOfCarolsKeyIsRefused();
    approveAs("dave", requestPage);
    assertThat(driver.findElement(By.cssSelector("dl.covered dd")).getText()).isEqualTo("ACTIVE");

    signIn("alice");
    driver.get(base + "/");
    assertThat(driver.findElement(By.id("open")).findElement(By.xpath("..")).getText())
        .contains(grantId, "min");
    screenshot("6-open-grants");
    driver.get(requestPage);
    driver.findElement(By.id("release")).click();
    waiting().until(ExpectedConditions.presenceOfElementLocated(By.id("secret")));
    assertThat(driver.findElement(By.id("secret")).getText()).isEqualTo(SECRET);
    screenshot("7-credential-released");
    engine.close();

    // Every approval re-verifies offline from the log; one changed byte in a stored assertion names its record.
    List<AuditEvent> events = AuditLogReader.readEvents(dir.resolve("data").resolve("audit"));
    ApprovalLogVerifier.Result ok = ApprovalLogVerifier.verify(events, SignatureVerifiers.offline());
    assertThat(ok.problems()).isEmpty();
    assertThat(ok.signed()).isEqualTo(2);
    AuditEvent carols = events.stream().filter(e -> e.type() == AuditEventType.APPROVAL_ACCEPTED
        && e.actor().equals("carol")).findFirst().orElseThrow();
    int index = events.indexOf(carols);
    Map<String, String> changed = new HashMap<>(carols.details());
    byte[] cd = Base64.getUrlDecoder().decode(changed.get("signature.clientDataJSON"));
    cd[cd.length - 2] ^= 0x01;
    changed.put("signature.clientDataJSON", Base64.getUrlEncoder().withoutPadding().encodeToString(cd));
    List<AuditEvent> tampered = new ArrayList<>(events);
    tampered.set(index, new AuditEvent(carols.time(), carols.type(), carols.actor(), carols.grantId(),
        carols.account(), changed));
    assertThat(ApprovalLogVerifier.verify(tampered, SignatureVerifiers.offline()).problems()).singleElement()
        .satisfies(p -> assertThat(p.record()).isEqualTo(index));
  }
}
