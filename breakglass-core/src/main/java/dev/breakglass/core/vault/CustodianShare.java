package dev.breakglass.core.vault;

import dev.breakglass.VaultException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.UUID;
import java.util.zip.CRC32C;
import org.bouncycastle.util.encoders.Base32;

/**
 * One custodian's share of a {@link SealedFileVault}'s unsealing key, with what it belongs to: the
 * vault id, the custodian, its index, the threshold and the number of shares. The share value is
 * secret; {@link #close()} wipes it and {@link #toString()} never shows it.
 *
 * <h2>Paper form</h2>
 * {@link #encode()} gives text fit to print and keep in a safe, and {@link #parse(char[])} reads it
 * back as typed:
 *
 * <pre>
 * BREAKGLASS CUSTODIAN SHARE v1
 * vault: 5b0c6e0e-4a5e-4b8e-9a57-0c1f3f1b2f61
 * custodian: carol
 * share: 2 of 3 (any 2 open the vault)
 * AEAQC 6XWJV DNQGL OJ2PM ...
 * </pre>
 *
 * The body is base32 (RFC 4648, case-insensitive; {@code 0}, {@code 1} and {@code 8} are read as
 * {@code O}, {@code I} and {@code B}) in groups of four characters plus one check character. The
 * check character is a weighted sum over GF(32) of the group's position and characters, so any
 * single mistyped character and any swap of two neighbours is caught and its group named; a CRC-32C
 * over the whole share catches a missing or reordered group. The header lines are for people;
 * {@code parse} checks them against the share when they are present. The custodian's share is
 * still verified against the vault's own commitment before it is used.
 *
 * <p>Not thread-safe while being closed; otherwise immutable.
 */
public final class CustodianShare implements AutoCloseable {
  private static final int FORMAT_VERSION = 1;
  private static final int MAX_NAME_BYTES = 64;
  private static final int GROUP_DATA = 4;
  private static final String TITLE = "BREAKGLASS CUSTODIAN SHARE v1";
  private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  private static final int GROUPS_PER_LINE = 6;

  private final UUID vaultId;
  private final String custodian;
  private final int index;
  private final int threshold;
  private final int shareCount;
  private final byte[] value;
  private volatile boolean wiped;

  CustodianShare(UUID vaultId, String custodian, int index, int threshold, int shareCount, byte[] value) {
    this.vaultId = Objects.requireNonNull(vaultId, "vaultId");
    this.custodian = requireCustodianName(custodian);
    if (index < 1 || index > 255 || threshold < 1 || shareCount < threshold || shareCount > 255 || index > shareCount) {
      throw new IllegalArgumentException("share index " + index + " of " + shareCount + " with threshold "
          + threshold + " is out of range");
    }
    this.index = index;
    this.threshold = threshold;
    this.shareCount = shareCount;
    this.value = value;
  }

  /**
   * Checks a custodian name: non-blank, at most 64 UTF-8 bytes, no control characters.
   *
   * @throws IllegalArgumentException naming the problem
   */
  static String requireCustodianName(String name) {
    Objects.requireNonNull(name, "custodian");
    if (name.isBlank() || !name.strip().equals(name)) {
      throw new IllegalArgumentException("custodian name '" + name + "' must be non-blank without surrounding spaces");
    }
    if (name.getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES) {
      throw new IllegalArgumentException("custodian name '" + name + "' is longer than " + MAX_NAME_BYTES + " bytes");
    }
    if (name.chars().anyMatch(Character::isISOControl)) {
      throw new IllegalArgumentException("custodian name must not contain control characters");
    }
    return name;
  }

  public UUID vaultId() {
    return vaultId;
  }

  public String custodian() {
    return custodian;
  }

  /** This share's index, 1 to {@link #shareCount()}. */
  public int index() {
    return index;
  }

  /** How many shares open the vault. */
  public int threshold() {
    return threshold;
  }

  /** How many shares were made. */
  public int shareCount() {
    return shareCount;
  }

  /** The share value itself, not a copy. */
  byte[] value() {
    if (wiped) {
      throw new IllegalStateException("the share of custodian '" + custodian + "' has been wiped");
    }
    return value;
  }

  /** Whether {@link #close()} has wiped the share. */
  public boolean isWiped() {
    return wiped;
  }

  /**
   * The paper form of this share (see the class description). The caller owns the array and should
   * wipe it once printed or stored.
   */
  public char[] encode() {
    byte[] payload = payload();
    byte[] b32 = Base32.encode(payload);
    char[] out = null;
    try {
      int dataLength = b32.length;
      while (dataLength > 0 && b32[dataLength - 1] == '=') {
        dataLength--;
      }
      String header = TITLE + "\nvault: " + vaultId + "\ncustodian: " + custodian + "\nshare: " + index + " of "
          + shareCount + " (any " + threshold + " open the vault)\n";
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
      char[] exact = Arrays.copyOf(out, p);
      return exact;
    } finally {
      Arrays.fill(payload, (byte) 0);
      Arrays.fill(b32, (byte) 0);
      if (out != null) {
        Arrays.fill(out, '\0');
      }
    }
  }

  private byte[] payload() {
    byte[] name = custodian.getBytes(StandardCharsets.UTF_8);
    byte[] v = value();
    ByteBuffer buf = ByteBuffer.allocate(1 + 16 + 3 + 1 + name.length + 1 + v.length + 4);
    buf.put((byte) FORMAT_VERSION);
    buf.putLong(vaultId.getMostSignificantBits()).putLong(vaultId.getLeastSignificantBits());
    buf.put((byte) threshold).put((byte) index).put((byte) shareCount);
    buf.put((byte) name.length).put(name);
    buf.put((byte) v.length).put(v);
    CRC32C crc = new CRC32C();
    crc.update(buf.array(), 0, buf.position());
    buf.putInt((int) crc.getValue());
    return buf.array();
  }

  /**
   * Reads a share from its paper form, as printed by {@link #encode()} or typed back from paper.
   * Only the groups are required; header lines, when present, must agree with the share. The
   * caller keeps and wipes {@code text}.
   *
   * @throws ShareFormatException naming the group with a typing error, or what else is wrong
   */
  public static CustodianShare parse(char[] text) {
    Objects.requireNonNull(text, "text");
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
      byte[] payload = null;
      try {
        payload = Base32.decode(exact);
        CustodianShare share = fromPayload(payload);
        checkHeaders(share, headers);
        return share;
      } catch (RuntimeException e) {
        if (e instanceof ShareFormatException) {
          throw e;
        }
        throw new ShareFormatException("the share is incomplete or damaged (it does not decode)", 0);
      } finally {
        Arrays.fill(b32, (byte) 0);
        Arrays.fill(exact, (byte) 0);
        if (payload != null) {
          Arrays.fill(payload, (byte) 0);
        }
      }
    } finally {
      for (int[] g : groups) {
        Arrays.fill(g, 0);
      }
    }
  }

  private static CustodianShare fromPayload(byte[] p) {
    ByteBuffer buf = ByteBuffer.wrap(p);
    if (p.length < 1 + 16 + 3 + 1 + 1 + 4) {
      throw new ShareFormatException("the share is too short (groups are missing)", 0);
    }
    CRC32C crc = new CRC32C();
    crc.update(p, 0, p.length - 4);
    if ((int) crc.getValue() != ByteBuffer.wrap(p, p.length - 4, 4).getInt()) {
      throw new ShareFormatException(
          "the share's overall checksum fails: a group is missing, extra or out of order", 0);
    }
    int version = buf.get() & 0xff;
    if (version != FORMAT_VERSION) {
      throw new ShareFormatException("share format version " + version + " is not supported", 0);
    }
    UUID vaultId = new UUID(buf.getLong(), buf.getLong());
    int threshold = buf.get() & 0xff;
    int index = buf.get() & 0xff;
    int count = buf.get() & 0xff;
    int nameLength = buf.get() & 0xff;
    if (nameLength > buf.remaining() - 5) {
      throw new ShareFormatException("the share is malformed (custodian name length)", 0);
    }
    byte[] name = new byte[nameLength];
    buf.get(name);
    int valueLength = buf.get() & 0xff;
    if (valueLength != buf.remaining() - 4) {
      throw new ShareFormatException("the share is malformed (value length)", 0);
    }
    byte[] value = new byte[valueLength];
    buf.get(value);
    try {
      return new CustodianShare(vaultId, new String(name, StandardCharsets.UTF_8), index, threshold, count, value);
    } catch (IllegalArgumentException e) {
      Arrays.fill(value, (byte) 0);
      throw new ShareFormatException("the share is malformed: " + e.getMessage(), 0);
    }
  }

  private static void checkHeaders(CustodianShare share, List<String[]> headers) {
    for (String[] h : headers) {
      String key = h[0];
      String value = h[1];
      boolean ok;
      switch (key) {
        case "vault":
          ok = value.equalsIgnoreCase(share.vaultId.toString());
          break;
        case "custodian":
          ok = value.equals(share.custodian);
          break;
        case "share":
          ok = value.startsWith(share.index + " of " + share.shareCount);
          break;
        default:
          ok = true;
      }
      if (!ok) {
        share.close();
        throw new ShareFormatException("the header line '" + key + ": " + value
            + "' does not match the share itself (vault " + share.vaultId + ", custodian '" + share.custodian
            + "', share " + share.index + " of " + share.shareCount + ")", 0);
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

  /** Wipes the share value. Idempotent. */
  @Override
  public void close() {
    wiped = true;
    Arrays.fill(value, (byte) 0);
  }

  @Override
  public String toString() {
    return "CustodianShare[vault=" + vaultId + ", custodian=" + custodian + ", index=" + index + " of " + shareCount
        + ", threshold=" + threshold + ", value=<redacted>]";
  }

  static VaultException foreign(String presentedBy, CustodianShare share, UUID expected) {
    return new VaultException("the share presented by '" + presentedBy + "' belongs to vault " + share.vaultId
        + ", not to this vault " + expected);
  }
}
