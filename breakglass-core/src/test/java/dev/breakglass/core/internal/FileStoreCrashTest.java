package dev.breakglass.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakglass.GrantStatus;
import dev.breakglass.spi.AccountState;
import dev.breakglass.spi.GrantRecord;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An operation the file grant store acknowledged before a SIGKILL is never lost: a child JVM
 * ({@link FileStoreCrashChild}) writes from four threads and is killed at random points; after each
 * kill the store reopens (cutting any torn tail) and must hold every acknowledged version or a later
 * one, with the compaction threshold low enough that kills also land during compactions.
 */
class FileStoreCrashTest {
  private static final int KILLS = 30;

  @TempDir Path dir;

  @Test
  void everyAcknowledgedWriteSurvivesSigkill() throws Exception {
    Path state = dir.resolve("state");
    Random random = new Random(20261202L);
    Map<String, Long> grants = new HashMap<>();
    Map<String, Long> accounts = new HashMap<>();
    int total = 0;
    for (int run = 0; run < KILLS; run++) {
      int target = 1 + random.nextInt(400);
      Process child = new ProcessBuilder(javaBin(), "-Xmx64m", "-XX:TieredStopAtLevel=1", "-cp",
          System.getProperty("java.class.path"), FileStoreCrashChild.class.getName(), state.toString(), "4", "16384")
          .redirectError(ProcessBuilder.Redirect.DISCARD).start();
      int acks = 0;
      try (BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          String[] p = line.split(" ");
          if (p.length == 4 && p[0].equals("ACK")) {
            (p[1].equals("G") ? grants : accounts).merge(p[2], Long.parseLong(p[3]), Math::max);
            if (++acks >= target) {
              child.destroyForcibly();
              break;
            }
          }
        }
      } finally {
        child.destroyForcibly();
        assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
      }
      assertThat(acks).as("run %d acknowledged writes before it was killed", run).isEqualTo(target);
      total += acks;

      try (FileGrantStore store = FileGrantStore.open(state)) {
        for (Map.Entry<String, Long> g : grants.entrySet()) {
          GrantRecord rec = store.find(g.getKey()).orElse(null);
          assertThat(rec).as("acknowledged grant %s after kill %d", g.getKey(), run).isNotNull();
          assertThat(rec.version()).as("version of %s after kill %d", g.getKey(), run)
              .isGreaterThanOrEqualTo(g.getValue());
        }
        for (Map.Entry<String, Long> a : accounts.entrySet()) {
          AccountState s = store.account(a.getKey());
          assertThat(s.version()).as("version of %s after kill %d", a.getKey(), run)
              .isGreaterThanOrEqualTo(a.getValue());
        }
        assertThat(store.findByStatus(EnumSet.allOf(GrantStatus.class)).size()).isGreaterThanOrEqualTo(grants.size());
      }
    }
    assertThat(total).isGreaterThanOrEqualTo(KILLS);
    System.out.printf("file store crash test: %d kills, %d acknowledged writes, %d grants%n", KILLS, total,
        grants.size());
  }

  private static String javaBin() {
    return Path.of(System.getProperty("java.home"), "bin", "java" + (File.separatorChar == '\\' ? ".exe" : ""))
        .toString();
  }
}
