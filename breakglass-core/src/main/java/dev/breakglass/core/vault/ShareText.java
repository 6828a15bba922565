package dev.breakglass.core.vault;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.bouncycastle.util.encoders.Base32;

/**
 * The text layer of a {@link CustodianShare}'s paper form: turns the share's binary payload into
 * base32 groups of four characters plus one check character, and reads such text back, header
 * lines included.
 *
 * <p>The check character is a weighted sum over GF(32) of the group's position and characters
 * ({@link #check}), so any single mistyped character and any swap of two neighbours is caught and its
 * group named. Reading accepts lower case, dashes and any spacing, and reads {@code 0}, {@code 1} and
 * {@code 8} as {@code O}, {@code I} and {@code B}. The payload's own integrity (its CRC-32C) and its
 * fields are {@link CustodianShare}'s business.
 *
 * <p>Every intermediate buffer holding share characters is wiped before returning.
 */
final class ShareText {
  static final String TITLE = "BREAKGLASS CUSTODIAN SHARE v1";
  private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  private static final int GROUP_DATA = 4;
  private static final int GROUPS_PER_LINE = 6;

  /** The payload and the header lines (key in lower case, value stripped) read from a paper form. */
  record Read(byte[] payload, List<String[]> headers) {}

  private ShareText() {}

  /**
   * {@code header} followed by {@code payload} as lines of six groups. The caller owns and wipes both
   * {@code payload} and the result.
   */
  static char[] write(String header, byte[] payload) {
    byte[] b32 = Base32.encode(payload);
    char[] out = null;
    try {
      int dataLength = b32.length;
      while (dataLength > 0 && b32[dataLength - 1] == '=') {
        dataLength--;
      }
      int groups = (dataLength + GROUP_DATA - 1) / GROUP_DATA;
      out = new char[header.length() + dataLength + groups * 2];
      int p = 0;
      for (int i = 0; i < header.length(); i++) {
        out[p++] = header.charAt(i);
      }
      int[] symbols = new int[GROUP_DATA + 1];
      for (int g = 0; g < groups; g++) {
        int start = g * GROUP_DATA;
        int n = Math.min(GROUP_DATA, dataLength - start);
        symbols[0] = (g + 1) & 31;
        for (int i = 0; i < n; i++) {
          char c = (char) b32[start + i];
          symbols[i + 1] = ALPHABET.indexOf(c);
          out[p++] = c;
        }
        out[p++] = ALPHABET.charAt(check(symbols, n + 1));
        out[p++] = (g == groups - 1) ? '\n' : ((g + 1) % GROUPS_PER_LINE == 0 ? '\n' : ' ');
      }
      Arrays.fill(symbols, 0);
      return Arrays.copyOf(out, p);
    } finally {
      Arrays.fill(b32, (byte) 0);
      if (out != null) {
        Arrays.fill(out, '\0');
      }
    }
  }

  /**
   * Reads the groups of {@code text} back into the payload, checking every group's check character,
   * and collects the header lines. The caller keeps and wipes {@code text} and wipes the returned
   * payload.
   *
   * @throws ShareFormatException naming the group with a typing error, or saying the groups do not
   *     decode
   */
  static Read read(char[] text) {
    List<int[]> groups = new ArrayList<>();
    List<String[]> headers = new ArrayList<>();
    try {
      tokenize(text, groups, headers);
      if (groups.isEmpty()) {
        throw new ShareFormatException("the share text holds no groups of characters", 0);
      }
      // Base32 input must be padded to a multiple of 8 characters.
      byte[] b32 = new byte[(groups.size() * GROUP_DATA + 7) / 8 * 8];
      int length = 0;
      int[] symbols = new int[GROUP_DATA + 1];
      try {
        for (int g = 0; g < groups.size(); g++) {
          int[] group = groups.get(g);
          int number = g + 1;
          boolean last = g == groups.size() - 1;
          if (group.length != GROUP_DATA + 1 && !(last && group.length >= 2 && group.length < GROUP_DATA + 1)) {
            throw new ShareFormatException("group " + number + " of " + groups.size() + " has " + group.length
                + " characters, expected " + (GROUP_DATA + 1) + " (a character is missing or extra)", number);
          }
          for (int i = 0; i < group.length; i++) {
            if (group[i] < 0) {
              throw new ShareFormatException("group " + number + " of " + groups.size() + ", character " + (i + 1)
                  + " is not a base32 letter (A-Z, 2-7)", number);
            }
          }
          int n = group.length - 1;
          symbols[0] = number & 31;
          System.arraycopy(group, 0, symbols, 1, n);
          if (check(symbols, n + 1) != group[n]) {
            throw new ShareFormatException("group " + number + " of " + groups.size()
                + " has a typing error (its check character does not match)", number);
          }
          for (int i = 0; i < n; i++) {
            b32[length++] = (byte) ALPHABET.charAt(group[i]);
          }
        }
      } catch (RuntimeException e) {
        Arrays.fill(b32, (byte) 0);
        throw e;
      } finally {
        Arrays.fill(symbols, 0);
      }
      int paddedLength = (length + 7) / 8 * 8;
      Arrays.fill(b32, length, paddedLength, (byte) '=');
      byte[] exact = paddedLength == b32.length ? b32 : Arrays.copyOf(b32, paddedLength);
      try {
        return new Read(Base32.decode(exact), headers);
      } catch (RuntimeException e) {
        throw new ShareFormatException("the share is incomplete or damaged (it does not decode)", 0);
      } finally {
        Arrays.fill(b32, (byte) 0);
        Arrays.fill(exact, (byte) 0);
      }
    } finally {
      for (int[] g : groups) {
        Arrays.fill(g, 0);
      }
    }
  }

  /** Splits text into header lines and groups of symbol values (-1 for a character outside base32). */
  private static void tokenize(char[] text, List<int[]> groups, List<String[]> headers) {
    int lineStart = 0;
    for (int i = 0; i <= text.length; i++) {
      if (i == text.length || text[i] == '\n' || text[i] == '\r') {
        line(text, lineStart, i, groups, headers);
        lineStart = i + 1;
      }
    }
  }

  private static void line(char[] text, int from, int to, List<int[]> groups, List<String[]> headers) {
    int colon = -1;
    for (int i = from; i < to; i++) {
      if (text[i] == ':') {
        colon = i;
        break;
      }
    }
    if (colon >= 0) {
      // Header lines carry no secret: vault id, custodian name, share numbering.
      String key = new String(text, from, colon - from).strip().toLowerCase(Locale.ROOT);
      String value = new String(text, colon + 1, to - colon - 1).strip();
      headers.add(new String[] {key, value});
      return;
    }
    if (startsWithTitle(text, from, to)) {
      return;
    }
    int tokenStart = -1;
    for (int i = from; i <= to; i++) {
      boolean separator = i == to || Character.isWhitespace(text[i]) || text[i] == '-';
      if (separator) {
        if (tokenStart >= 0) {
          int[] g = new int[i - tokenStart];
          for (int k = 0; k < g.length; k++) {
            g[k] = symbol(text[tokenStart + k]);
          }
          groups.add(g);
          tokenStart = -1;
        }
      } else if (tokenStart < 0) {
        tokenStart = i;
      }
    }
  }

  private static boolean startsWithTitle(char[] text, int from, int to) {
    int i = from;
    while (i < to && Character.isWhitespace(text[i])) {
      i++;
    }
    String word = "BREAKGLASS";
    if (to - i < word.length()) {
      return false;
    }
    for (int k = 0; k < word.length(); k++) {
      if (Character.toUpperCase(text[i + k]) != word.charAt(k)) {
        return false;
      }
    }
    return true;
  }

  private static int symbol(char c) {
    char u = Character.toUpperCase(c);
    switch (u) {
      case '0':
        u = 'O';
        break;
      case '1':
        u = 'I';
        break;
      case '8':
        u = 'B';
        break;
      default:
        break;
    }
    return ALPHABET.indexOf(u);
  }

  /**
   * The check symbol of {@code symbols[0..n)}: {@code sum of alpha^(i+1) * s[i]} in GF(32) with
   * x^5 + x^2 + 1. Weights are distinct and non-zero, so one changed symbol or two swapped
   * neighbours always change the sum.
   */
  static int check(int[] symbols, int n) {
    int sum = 0;
    int weight = 1;
    for (int i = 0; i < n; i++) {
      weight = gfMul(weight, 2);
      sum ^= gfMul(weight, symbols[i]);
    }
    return sum;
  }

  private static int gfMul(int a, int b) {
    int r = 0;
    for (int i = 0; i < 5; i++) {
      if ((b & (1 << i)) != 0) {
        r ^= a << i;
      }
    }
    for (int bit = 8; bit >= 5; bit--) {
      if ((r & (1 << bit)) != 0) {
        r ^= 0x25 << (bit - 5);
      }
    }
    return r;
  }
}
