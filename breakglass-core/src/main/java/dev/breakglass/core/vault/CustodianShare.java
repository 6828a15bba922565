package dev.breakglass.core.vault;

import dev.breakglass.VaultException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.zip.CRC32C;

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
    try {
      String header = ShareText.TITLE + "\nvault: " + vaultId + "\ncustodian: " + custodian + "\nshare: " + index
          + " of " + shareCount + " (any " + threshold + " open the vault)\n";
      return ShareText.write(header, payload);
    } finally {
      Arrays.fill(payload, (byte) 0);
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
    ShareText.Read read = ShareText.read(text);
    try {
      CustodianShare share = fromPayload(read.payload());
      checkHeaders(share, read.headers());
      return share;
    } catch (ShareFormatException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new ShareFormatException("the share is incomplete or damaged (it does not decode)", 0);
    } finally {
      Arrays.fill(read.payload(), (byte) 0);
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
