package dev.breakglass.cli;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.abort;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * A SoftHSM2 token for this test JVM, initialised once per run with random PINs in a fresh token
 * directory under the {@code SOFTHSM2_CONF} the build gives the test JVM (SoftHSM2 reads that
 * variable when SunPKCS11 first loads it, so it cannot be set from inside the JVM).
 *
 * <p>Where SoftHSM2 is not installed the tests are skipped with a message saying how to enable
 * them; with {@code -Dbreakglass.requireSoftHsm=true} or the environment variable
 * {@code BREAKGLASS_REQUIRE_SOFTHSM=true} (which {@code .ci/run} sets) they fail instead.
 */
final class SoftHsmToken {
  static final String REQUIRE_PROPERTY = "breakglass.requireSoftHsm";
  static final String REQUIRE_ENVIRONMENT = "BREAKGLASS_REQUIRE_SOFTHSM";
  static final String LIBRARY_PROPERTY = "breakglass.softhsm2.library";
  private static final List<String> LIBRARY_CANDIDATES = List.of(
      "/usr/lib/softhsm/libsofthsm2.so",
      "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
      "/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so",
      "/usr/lib64/pkcs11/libsofthsm2.so",
      "/usr/local/lib/softhsm/libsofthsm2.so",
      "/opt/homebrew/lib/softhsm/libsofthsm2.so");

  private static @Nullable SoftHsmToken instance;
  private static @Nullable String unavailable;

  final Path library;
  final Path conf;
  final String pin;
  final int slotListIndex = 0;

  private SoftHsmToken(Path library, Path conf, String pin) {
    this.library = library;
    this.conf = conf;
    this.pin = pin;
  }

  char[] pin() {
    return pin.toCharArray();
  }

  /** The token, or a skipped (or, in CI, failed) test if SoftHSM2 cannot be used here. */
  static synchronized SoftHsmToken get() {
    if (instance == null && unavailable == null) {
      try {
        instance = prepare();
      } catch (Unavailable e) {
        unavailable = e.getMessage();
      } catch (IOException | InterruptedException e) {
        unavailable = "initialising a SoftHSM2 token failed: " + e;
      }
    }
    if (instance != null) {
      return instance;
    }
    if (Boolean.getBoolean(REQUIRE_PROPERTY) || Boolean.parseBoolean(System.getenv(REQUIRE_ENVIRONMENT))) {
      fail("SoftHSM2 is required (-D" + REQUIRE_PROPERTY + "=true or " + REQUIRE_ENVIRONMENT + "=true) but "
          + unavailable);
    }
    abort("PKCS#11 tests skipped: " + unavailable + ". To run them install SoftHSM2 (Debian/Ubuntu:"
        + " apt-get install softhsm2; Fedora: dnf install softhsm; macOS: brew install softhsm), point -D"
        + LIBRARY_PROPERTY + " at libsofthsm2 if it is elsewhere, and run them through Maven, which sets"
        + " SOFTHSM2_CONF. CI sets " + REQUIRE_ENVIRONMENT + "=true so that they fail instead of skipping.");
    throw new IllegalStateException("unreachable");
  }

  private static final class Unavailable extends Exception {
    private static final long serialVersionUID = 1L;

    Unavailable(String message) {
      super(message);
    }
  }

  private static SoftHsmToken prepare() throws Unavailable, IOException, InterruptedException {
    Path library = findLibrary();
    Path util = onPath("softhsm2-util");
    if (util == null) {
      throw new Unavailable("softhsm2-util is not on the PATH");
    }
    String confVariable = System.getenv("SOFTHSM2_CONF");
    if (confVariable == null || confVariable.isBlank()) {
      throw new Unavailable("SOFTHSM2_CONF is not set for this JVM (the Maven build sets it for the tests)");
    }
    Path conf = Path.of(confVariable).toAbsolutePath();
    Path base = conf.getParent();
    Files.createDirectories(base);
    try (Stream<Path> old = Files.list(base)) {
      for (Path p : (Iterable<Path>) old.filter(p -> p.getFileName().toString().startsWith("tokens-"))::iterator) {
        deleteTree(p);
      }
    }
    Path tokens = Files.createTempDirectory(base, "tokens-");
    Files.writeString(conf, "directories.tokendir = " + tokens + "\n"
        + "objectstore.backend = file\n"
        + "log.level = ERROR\n"
        + "slots.removable = false\n", StandardCharsets.UTF_8);
    String pin = randomDigits(8);
    String soPin = randomDigits(10);
    ProcessBuilder pb = new ProcessBuilder(util.toString(), "--init-token", "--free", "--label", "breakglass-test",
        "--so-pin", soPin, "--pin", pin).redirectErrorStream(true);
    pb.environment().put("SOFTHSM2_CONF", conf.toString());
    Process p = pb.start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new Unavailable("softhsm2-util --init-token failed: " + output.strip());
    }
    return new SoftHsmToken(library, conf, pin);
  }

  private static Path findLibrary() throws Unavailable {
    String configured = System.getProperty(LIBRARY_PROPERTY);
    if (configured != null && !configured.isBlank()) {
      Path p = Path.of(configured);
      if (!Files.isRegularFile(p)) {
        throw new Unavailable("-D" + LIBRARY_PROPERTY + "=" + configured + " is not a file");
      }
      return p;
    }
    for (String candidate : LIBRARY_CANDIDATES) {
      Path p = Path.of(candidate);
      if (Files.isRegularFile(p)) {
        return p;
      }
    }
    throw new Unavailable("libsofthsm2.so was not found (looked in " + LIBRARY_CANDIDATES + ")");
  }

  private static @Nullable Path onPath(String name) {
    String path = System.getenv("PATH");
    if (path == null) {
      return null;
    }
    for (String dir : path.split(File.pathSeparator)) {
      Path p = Path.of(dir, name);
      if (Files.isExecutable(p)) {
        return p;
      }
    }
    return null;
  }

  private static String randomDigits(int n) {
    SecureRandom r = new SecureRandom();
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < n; i++) {
      b.append((char) ('0' + r.nextInt(10)));
    }
    return b.toString();
  }

  private static void deleteTree(Path root) throws IOException {
    try (Stream<Path> walk = Files.walk(root)) {
      List<Path> paths = new ArrayList<>();
      walk.sorted(Comparator.reverseOrder()).forEach(paths::add);
      for (Path p : paths) {
        Files.deleteIfExists(p);
      }
    }
  }
}
