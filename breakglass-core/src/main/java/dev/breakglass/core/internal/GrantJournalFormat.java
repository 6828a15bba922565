package dev.breakglass.core.internal;

import dev.breakglass.ApprovalRecord;
import dev.breakglass.GrantStatus;
import dev.breakglass.spi.AccountState;
import dev.breakglass.spi.GrantRecord;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;
import org.jspecify.annotations.Nullable;

/**
 * The on-disk record format of {@link FileGrantStore}'s journal and snapshot. Each record is one frame:
 * a 4-byte payload length, the payload's CRC-32C (4 bytes), then the payload, which starts with its
 * kind ({@code 1} a {@link GrantRecord}, {@code 2} an {@link AccountState}) followed by the fields in
 * {@link DataOutputStream} encoding (strings as a length and UTF-8 bytes, nullable values behind a
 * presence flag, instants as epoch seconds and nanoseconds).
 *
 * <p>Reading stops at the first incomplete or corrupt frame (bad length or checksum), which is what a
 * crash mid-write leaves at a journal's tail; the caller decides whether that is acceptable (journal)
 * or not (snapshot). Stateless.
 */
final class GrantJournalFormat {
  private static final byte GRANT = 1;
  private static final byte ACCOUNT = 2;
  private static final int MAX_FRAME = 16 << 20;

  /** Receives the records of valid frames, in file order. */
  interface Records {
    void grant(GrantRecord grant);

    void account(AccountState account);
  }

  private GrantJournalFormat() {}

  /** The frame holding {@code grant}. */
  static byte[] frame(GrantRecord grant) {
    return frame(encodeGrant(grant));
  }

  /** The frame holding {@code account}. */
  static byte[] frame(AccountState account) {
    return frame(encodeAccount(account));
  }

  /**
   * Hands every whole, valid frame of {@code bytes} to {@code records}; returns where the valid prefix
   * ends ({@code bytes.length} if every frame is valid).
   *
   * @throws IOException if a frame passes its checksum but its record cannot be decoded
   */
  static int read(byte[] bytes, Records records) throws IOException {
    ByteBuffer buf = ByteBuffer.wrap(bytes);
    while (buf.remaining() >= 8) {
      int start = buf.position();
      int length = buf.getInt();
      int crc = buf.getInt();
      if (length <= 0 || length > MAX_FRAME || length > buf.remaining()) {
        return start;
      }
      byte[] payload = new byte[length];
      buf.get(payload);
      CRC32C c = new CRC32C();
      c.update(payload);
      if ((int) c.getValue() != crc) {
        return start;
      }
      decode(payload, records);
    }
    return buf.position();
  }

  private static void decode(byte[] payload, Records records) throws IOException {
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(payload));
    byte kind = in.readByte();
    if (kind == GRANT) {
      records.grant(decodeGrant(in));
    } else if (kind == ACCOUNT) {
      records.account(decodeAccount(in));
    } else {
      throw new IOException("unknown record kind " + kind);
    }
  }

  private static byte[] frame(byte[] payload) {
    CRC32C c = new CRC32C();
    c.update(payload);
    return ByteBuffer.allocate(8 + payload.length).putInt(payload.length).putInt((int) c.getValue()).put(payload)
        .array();
  }

  private static byte[] encodeGrant(GrantRecord g) {
    return encode(out -> {
      out.writeByte(GRANT);
      str(out, g.id());
      str(out, g.requester());
      str(out, g.account());
      str(out, g.reason());
      nullableStr(out, g.ticket());
      out.writeLong(g.duration().toNanos());
      str(out, g.requestDigest());
      instant(out, g.requestedAt());
      out.writeInt(g.approvalsRequired());
      out.writeInt(g.approvals().size());
      for (ApprovalRecord a : g.approvals()) {
        str(out, a.custodian());
        instant(out, a.approvedAt());
      }
      str(out, g.status().name());
      nullableInstant(out, g.issuedAt());
      nullableInstant(out, g.expiresAt());
      nullableInstant(out, g.endedAt());
      out.writeBoolean(g.credentialReleased());
      out.writeLong(g.version());
    });
  }

  private static GrantRecord decodeGrant(DataInputStream in) throws IOException {
    String id = str(in);
    String requester = str(in);
    String account = str(in);
    String reason = str(in);
    String ticket = nullableStr(in);
    Duration duration = Duration.ofNanos(in.readLong());
    String digest = str(in);
    Instant requestedAt = instant(in);
    int required = in.readInt();
    int n = in.readInt();
    List<ApprovalRecord> approvals = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      approvals.add(new ApprovalRecord(str(in), instant(in)));
    }
    GrantStatus status = GrantStatus.valueOf(str(in));
    return new GrantRecord(id, requester, account, reason, ticket, duration, digest, requestedAt, required,
        approvals, status, nullableInstant(in), nullableInstant(in), nullableInstant(in), in.readBoolean(),
        in.readLong());
  }

  private static byte[] encodeAccount(AccountState a) {
    return encode(out -> {
      out.writeByte(ACCOUNT);
      str(out, a.account());
      nullableStr(out, a.holder());
      out.writeBoolean(a.tainted());
      nullableStr(out, a.taintedBy());
      out.writeLong(a.version());
    });
  }

  private static AccountState decodeAccount(DataInputStream in) throws IOException {
    return new AccountState(str(in), nullableStr(in), in.readBoolean(), nullableStr(in), in.readLong());
  }

  private interface Writer {
    void write(DataOutputStream out) throws IOException;
  }

  private static byte[] encode(Writer w) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      w.write(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  private static void str(DataOutputStream out, String s) throws IOException {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    out.writeInt(b.length);
    out.write(b);
  }

  private static String str(DataInputStream in) throws IOException {
    int n = in.readInt();
    if (n < 0 || n > MAX_FRAME) {
      throw new EOFException("bad string length " + n);
    }
    return new String(in.readNBytes(n), StandardCharsets.UTF_8);
  }

  private static void nullableStr(DataOutputStream out, @Nullable String s) throws IOException {
    out.writeBoolean(s != null);
    if (s != null) {
      str(out, s);
    }
  }

  private static @Nullable String nullableStr(DataInputStream in) throws IOException {
    return in.readBoolean() ? str(in) : null;
  }

  private static void instant(DataOutputStream out, Instant t) throws IOException {
    out.writeLong(t.getEpochSecond());
    out.writeInt(t.getNano());
  }

  private static Instant instant(DataInputStream in) throws IOException {
    return Instant.ofEpochSecond(in.readLong(), in.readInt());
  }

  private static void nullableInstant(DataOutputStream out, @Nullable Instant t) throws IOException {
    out.writeBoolean(t != null);
    if (t != null) {
      instant(out, t);
    }
  }

  private static @Nullable Instant nullableInstant(DataInputStream in) throws IOException {
    return in.readBoolean() ? instant(in) : null;
  }
}
