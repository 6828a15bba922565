package dev.breakglass.core.health;

import dev.breakglass.core.text.SafeText;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/** Text that came from the network or from configuration, made safe to put in a detail or a log line. */
final class Texts {
  private Texts() {}

  /**
   * A URL as it may be shown: scheme, host, port and path; a query (which often carries tokens) is
   * replaced by {@code ?...}. User info is refused where URLs are accepted, so it never gets here.
   */
  static String shown(URI uri) {
    StringBuilder sb = new StringBuilder().append(uri.getScheme()).append("://").append(uri.getHost());
    if (uri.getPort() >= 0) {
      sb.append(':').append(uri.getPort());
    }
    if (uri.getRawPath() != null) {
      sb.append(uri.getRawPath());
    }
    if (uri.getRawQuery() != null) {
      sb.append("?...");
    }
    return SafeText.printable(sb.toString(), 300);
  }

  /**
   * Checks a configured URL: absolute {@code http} or {@code https} with a host, and no user info
   * (credentials in a URL end up in logs). The message never repeats the URL, which may hold a secret.
   *
   * @throws IllegalArgumentException saying what is wrong
   */
  static URI httpUrl(String what, String value) {
    URI uri;
    try {
      uri = new URI(value.strip());
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(what + " is not a valid URL (" + e.getReason() + ")");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!uri.isAbsolute() || !(scheme.equals("http") || scheme.equals("https"))) {
      throw new IllegalArgumentException(what + " must be an absolute http:// or https:// URL");
    }
    if (uri.getHost() == null || uri.getHost().isEmpty()) {
      throw new IllegalArgumentException(what + " must name a host");
    }
    if (uri.getRawUserInfo() != null) {
      throw new IllegalArgumentException(what + " must not carry credentials (user info)");
    }
    return uri;
  }
}
