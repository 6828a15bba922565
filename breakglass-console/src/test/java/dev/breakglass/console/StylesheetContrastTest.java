package dev.breakglass.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The console stylesheet's colours, read from the stylesheet itself: every text colour has at
 * least 4.5:1 contrast (WCAG 2 AA) against the background it is drawn on, and every focus ring 3:1.
 * A rule without its own background is drawn on the page's, or the header's for header rules. The
 * browser test checks the rendered pages as well.
 */
class StylesheetContrastTest {
  private static final Pattern RULE = Pattern.compile("([^{}]+)\\{([^}]*)}");
  private static final Pattern HEX = Pattern.compile("#([0-9a-fA-F]{6}|[0-9a-fA-F]{3})\\b");

  static double luminance(String hex) {
    String h = hex.substring(1);
    if (h.length() == 3) {
      h = "" + h.charAt(0) + h.charAt(0) + h.charAt(1) + h.charAt(1) + h.charAt(2) + h.charAt(2);
    }
    double[] c = new double[3];
    for (int i = 0; i < 3; i++) {
      double v = Integer.parseInt(h.substring(2 * i, 2 * i + 2), 16) / 255.0;
      c[i] = v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    }
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
  }

  static double contrast(String a, String b) {
    double x = luminance(a);
    double y = luminance(b);
    return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05);
  }

  /** Selector to its declarations, for every rule of the stylesheet. */
  static Map<String, Map<String, String>> rules() throws IOException {
    String css;
    try (InputStream in = BreakGlassConsole.class.getResourceAsStream("console.css")) {
      css = new String(in.readAllBytes(), StandardCharsets.UTF_8).replaceAll("(?s)/\\*.*?\\*/", "");
    }
    Map<String, Map<String, String>> rules = new LinkedHashMap<>();
    Matcher m = RULE.matcher(css);
    while (m.find()) {
      Map<String, String> decls = new LinkedHashMap<>();
      for (String d : m.group(2).split(";")) {
        int colon = d.indexOf(':');
        if (colon > 0) {
          decls.put(d.substring(0, colon).strip(), d.substring(colon + 1).strip());
        }
      }
      rules.put(m.group(1).strip(), decls);
    }
    return rules;
  }

  private static String hex(String value) {
    Matcher m = HEX.matcher(value);
    return m.find() ? m.group() : null;
  }

  @Test
  void theKnownPairsAreComputedAsWcagSays() {
    assertThat(contrast("#000000", "#ffffff")).isEqualTo(21.0);
    assertThat(contrast("#777777", "#ffffff")).isBetween(4.47, 4.49);   // the classic just-too-light grey
  }

  @Test
  void everyTextColourHasAtLeast4point5To1AndEveryFocusRing3To1() throws IOException {
    Map<String, Map<String, String>> rules = rules();
    String page = hex(rules.get("body").get("background"));
    String header = hex(rules.get("header").get("background"));
    List<String> low = new ArrayList<>();
    int checked = 0;
    for (Map.Entry<String, Map<String, String>> r : rules.entrySet()) {
      Map<String, String> d = r.getValue();
      String own = hex(d.getOrDefault("background", d.getOrDefault("background-color", "")));
      String behind = own != null ? own : r.getKey().startsWith("header") ? header : page;
      String text = d.containsKey("color") ? hex(d.get("color")) : null;
      if (text != null) {
        checked++;
        if (contrast(text, behind) < 4.5) {
          low.add(r.getKey() + ": " + text + " on " + behind + " is " + contrast(text, behind));
        }
      }
      String ring = hex(d.getOrDefault("outline-color", d.getOrDefault("outline", "")));
      if (ring != null) {
        checked++;
        if (contrast(ring, behind) < 3) {
          low.add(r.getKey() + ": focus ring " + ring + " on " + behind + " is " + contrast(ring, behind));
        }
      }
    }
    assertThat(checked).as("colours found in the stylesheet").isGreaterThanOrEqualTo(8);
    assertThat(low).isEmpty();
  }
}
