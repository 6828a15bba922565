package dev.breakglass.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.breakglass.AccessRequest;
import dev.breakglass.AccountPolicy;
import dev.breakglass.BreakGlass;
import dev.breakglass.BreakGlassPolicy;
import dev.breakglass.spi.files.DurableFiles;
import dev.breakglass.tck.fixtures.InMemoryCredentialVault;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Everything the engine writes into its data directory (audit segments and their lock, keys, state,
 * outbox) holds reasons, tickets, actors or keys: directories {@code 700} and files {@code 600},
 * whatever the process umask (this machine's is 022, so a file created without explicit permissions
 * comes out 644).
 */
class DataTreePermissionsTest {
  @TempDir Path dir;

  @Test
  void everyDirectoryIsOwnerOnlyAndEveryFileOwnerReadable_afterARequestAndAClose() throws IOException {
    assumeTrue(DurableFiles.isPosix(dir));
    Path data = dir.resolve("data");
    BreakGlassPolicy policy = BreakGlassPolicy.builder().incidentDeclarers("sre-lead")
        .account(AccountPolicy.builder("db").requesters("alice").build()).build();
    InMemoryCredentialVault vault = InMemoryCredentialVault.of(Map.of("db", "s3cret-value".toCharArray()));
    try (BreakGlass engine = BreakGlassEngine.builder().policy(policy).dataDirectory(data).vault(vault)
        .background(false).build()) {
      engine.declareIncident("sre-lead", "IdP outage");
      engine.requestAccess(AccessRequest.builder().requester("alice").account("db")
          .reason("database failover stuck").ticket("INC-1").identification("badge", "1234")
          .duration(Duration.ofMinutes(5))
          .build());
    }

    Map<String, String> wrong = new TreeMap<>();
    try (Stream<Path> tree = Files.walk(data)) {
      tree.forEach(p -> {
        String expected = Files.isDirectory(p) ? "rwx------" : "rw-------";
        String actual = perms(p);
        if (!actual.equals(expected)) {
          wrong.put(data.relativize(p).toString(), actual);
        }
      });
    }
    assertThat(Files.exists(data.resolve("audit"))).isTrue();
    assertThat(wrong).as("paths under the data directory that others can read").isEmpty();
  }

  private static String perms(Path p) {
    try {
      return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
