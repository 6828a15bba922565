package dev.breakglass.core.alert.channel;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Turns a secret read through {@link dev.breakglass.spi.ProviderContext#secret} into key bytes. */
final class ProviderSupport {
  private ProviderSupport() {}

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
