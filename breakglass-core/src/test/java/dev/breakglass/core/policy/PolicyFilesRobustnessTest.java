package dev.breakglass.core.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.breakglass.PolicyException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Random corruptions of the valid example files: whatever the bytes, loading either yields a policy
 * or a {@link PolicyException} that names the source and a line inside the content, never any other
 * exception. The seed is fixed so that a failure can be replayed; the failing mutation is printed.
 */
class PolicyFilesRobustnessTest {
  private static final int MUTATIONS = 400;
  private static final byte[] SIGNIFICANT =
      ":-[]{}&*!|>'\"#%@`,?\t\n\r \\0123456789.tfn\u00ff".getBytes(StandardCharsets.ISO_8859_1);

  @ParameterizedTest(name = "{0}")
  @CsvSource({"example.yaml, YAML, 7", "example.json, JSON, 11"})
  void corruptedFilesOnlyEverFailWithPolicyException(String name, PolicyFiles.Format format, long seed)
      throws IOException {
    byte[] original = Files.readAllBytes(PolicyFilesTest.resource(name));
    Random random = new Random(seed);
    int accepted = 0;
    int rejected = 0;
    for (int i = 0; i < MUTATIONS; i++) {
      byte[] mutated = mutate(original, random);
      String source = name + "#" + i;
      try {
        PolicyFiles.parse(source, mutated, format);
        accepted++;
      } catch (PolicyException e) {
        rejected++;
        assertThat(e.source()).isEqualTo(source);
        assertThat(e.line()).as("line of '%s' for%n%s", e.getMessage(), show(mutated))
            .isBetween(1, lineCount(mutated));
        assertThat(e.getMessage()).startsWith("invalid policy " + source + ":" + e.line());
      } catch (RuntimeException | StackOverflowError e) {
        fail("mutation " + i + " of " + name + " threw " + e + " instead of PolicyException for:\n" + show(mutated), e);
      }
    }
    // Both outcomes must occur, or the mutations are not exercising the parser.
    assertThat(rejected).isGreaterThan(MUTATIONS / 4);
    assertThat(accepted).isPositive();
  }

  private static byte[] mutate(byte[] original, Random random) {
    byte[] b = original.clone();
    int rounds = 1 + random.nextInt(4);
    for (int r = 0; r < rounds && b.length > 0; r++) {
      int at = random.nextInt(b.length);
      switch (random.nextInt(6)) {
        case 0: // flip bits
          b[at] ^= (byte) (1 << random.nextInt(8));
          break;
        case 1: // a character that means something to YAML or JSON
          b[at] = SIGNIFICANT[random.nextInt(SIGNIFICANT.length)];
          break;
        case 2: // truncate
          b = Arrays.copyOf(b, at);
          break;
        case 3: // delete a range
          int len = Math.min(b.length - at, 1 + random.nextInt(20));
          byte[] cut = new byte[b.length - len];
          System.arraycopy(b, 0, cut, 0, at);
          System.arraycopy(b, at + len, cut, at, b.length - at - len);
          b = cut;
          break;
        case 4: // duplicate a range (repeated keys, nesting)
          int dup = Math.min(b.length - at, 1 + random.nextInt(40));
          byte[] grown = new byte[b.length + dup];
          System.arraycopy(b, 0, grown, 0, at + dup);
          System.arraycopy(b, at, grown, at + dup, b.length - at);
          b = grown;
          break;
        default: // a random byte
          b[at] = (byte) random.nextInt(256);
      }
    }
    return b;
  }

  private static int lineCount(byte[] content) {
    int lines = 1;
    for (byte c : content) {
      if (c == '\n' || c == '\r') {
        lines++;
      }
    }
    return lines;
  }

  private static String show(byte[] content) {
    return new String(content, StandardCharsets.ISO_8859_1);
  }
}
