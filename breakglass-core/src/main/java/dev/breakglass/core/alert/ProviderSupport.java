package dev.breakglass.core.alert;

import dev.breakglass.ProviderException;
import dev.breakglass.spi.ProviderContext;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** Small property helpers shared by the alert channel providers. */
final class ProviderSupport {
  private ProviderSupport() {}

  /** The enum constant named by {@code key} (case-insensitive, {@code -} for {@code _}), or the default. */
  static <E extends Enum<E>> E enumValue(ProviderContext context, String key, Class<E> type, E defaultValue) {
    Optional<String> raw = context.get(key);
    if (raw.isEmpty()) {
      return defaultValue;
    }
    String wanted = raw.get().trim().toUpperCase(Locale.ROOT).replace('-', '_');
    for (E e : type.getEnumConstants()) {
      if (e.name().equals(wanted)) {
        return e;
      }
    }
    StringBuilder allowed = new StringBuilder();
    for (E e : type.getEnumConstants()) {
      allowed.append(allowed.length() == 0 ? "" : ", ").append(e.name().toLowerCase(Locale.ROOT).replace('_', '-'));
    }
    throw new ProviderException(context.providerName(), "provider '" + context.providerName() + "' property '" + key
        + "' must be one of " + allowed + ", was '" + raw.get() + "'");
  }

  /** UTF-8 bytes of {@code chars} without an intermediate String; wipes {@code chars}. */
  static byte[] utf8AndWipe(char[] chars) {
    ByteBuffer buf = StandardCharsets.UTF_8.encode(CharBuffer.wrap(chars));
    byte[] out = new byte[buf.remaining()];
    buf.get(out);
    if (buf.hasArray()) {
      Arrays.fill(buf.array(), (byte) 0);
    }
    Arrays.fill(chars, '\0');
    return out;
  }
}
