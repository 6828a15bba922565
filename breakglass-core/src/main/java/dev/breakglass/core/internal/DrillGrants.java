package dev.breakglass.core.internal;

import java.security.SecureRandom;
import java.util.HexFormat;
import org.jspecify.annotations.Nullable;

/**
 * How a drill grant is told apart from real access: by its id. A drill grant's id starts with
 * {@link #PREFIX}; the id is stored with the grant, bound into the request digest custodians
 * approve, written into every audit record about the grant and kept across restarts, so no store
 * or record format needs a separate flag. Every check that keeps a drill from being real access
 * (release, login) asks {@link #isDrill}.
 */
final class DrillGrants {
  /** The start of every drill grant's id (real grants start with {@code bg-} and a hex digit). */
  static final String PREFIX = "bg-drill-";

  private static final SecureRandom RANDOM = new SecureRandom();

  private DrillGrants() {}

  /** Whether {@code grantId} names a drill grant. */
  static boolean isDrill(@Nullable String grantId) {
    return grantId != null && grantId.startsWith(PREFIX);
  }

  /** A fresh, unguessable drill grant id. */
  static String newId() {
    byte[] b = new byte[16];
    RANDOM.nextBytes(b);
    return PREFIX + HexFormat.of().formatHex(b);
  }
}
