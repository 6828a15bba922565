package dev.breakglass.core.internal;

import dev.breakglass.ApprovalRecord;
import dev.breakglass.GrantStatus;
import dev.breakglass.spi.AccountState;
import dev.breakglass.spi.EngineRecord;
import dev.breakglass.spi.GrantRecord;
import dev.breakglass.spi.IncidentState;
import dev.breakglass.spi.ThrottleState;
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
import java.util.function.Consumer;
import java.util.zip.CRC32C;
import org.jspecify.annotations.Nullable;

/**
 * The on-disk format of {@link FileGrantStore}: frames of {@code [length:int][crc32c:int][payload]}, each
 * payload one record whose first byte says its kind. The snapshot and the journal use the same frames.
 * Kind 2 (an account without its rotation schedule) is read for files written before the schedule was
 * stored, and never written. Thread-safe (stateless).
 */
final class StateCodec {
  private static final byte GRANT = 1;
  private static final byte ACCOUNT_WITHOUT_SCHEDULE = 2;
  private static final byte ACCOUNT = 3;
  private static final byte INCIDENT = 4;
  private static final byte THROTTLE = 5;
  private static final byte THROTTLE_PURGED = 6;
  private static final byte ENGINE = 7;
  /** The largest payload a frame may carry. */
  static final int MAX_FRAME = 16 << 20;

  /** A journaled removal of a throttle (by {@link dev.breakglass.spi.GrantStore#purgeThrottles}). */
  record ThrottlePurged(String key) {}

  private StateCodec() {}

  /** The frame of one record: a {@link GrantRecord}, {@link AccountState}, ... or {@link ThrottlePurged}. */
  static byte[] frame(Object record) {
    byte[] payload = encode(record);
    CRC32C c = new CRC32C();
    c.update(payload);
    return ByteBuffer.allocate(8 + payload.length).putInt(payload.length).putInt((int) c.getValue()).put(payload)
        .array();
  }

  /**
   * Decodes every whole, valid frame of {@code bytes} in order and hands its record to {@code each}.
   *
   * @return where the valid prefix ends (the length of {@code bytes} if every frame is whole and valid)
   * @throws IOException if a frame with a valid checksum holds an unknown kind (a newer format)
   */
  static int decode(byte[] bytes, Consumer<Object> each) throws IOException {
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
      Object record;
      try {
        record = decodePayload(payload);
      } catch (RuntimeException e) {
        throw new IOException("undecodable record at byte " + start + ": " + e.getMessage(), e);
      }
      each.accept(record);
    }
    return buf.position();
  }

  private static byte[] encode(Object record) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      if (record instanceof GrantRecord g) {
        out.writeByte(GRANT);
        grant(out, g);
      } else if (record instanceof AccountState a) {
        out.writeByte(ACCOUNT);
        str(out, a.account());
        nullableStr(out, a.holder());
        out.writeBoolean(a.tainted());
        nullableStr(out, a.taintedBy());
        out.writeInt(a.rotationAttempts());
        nullableInstant(out, a.nextRotationAt());
        out.writeLong(a.version());
      } else if (record instanceof IncidentState i) {
        out.writeByte(INCIDENT);
        nullableStr(out, i.id());
        nullableStr(out, i.declaredBy());
        nullableStr(out, i.reason());
        nullableInstant(out, i.declaredAt());
        out.writeLong(i.version());
      } else if (record instanceof ThrottleState t) {
        out.writeByte(THROTTLE);
        str(out, t.key());
        nullableInstant(out, t.windowStart());
        out.writeInt(t.count());
        out.writeInt(t.strikes());
        nullableInstant(out, t.blockedUntil());
        nullableInstant(out, t.expiresAt());
        out.writeLong(t.version());
      } else if (record instanceof ThrottlePurged p) {
        out.writeByte(THROTTLE_PURGED);
        str(out, p.key());
      } else if (record instanceof EngineRecord e) {
        out.writeByte(ENGINE);
        str(out, e.nodeId());
        out.writeBoolean(e.running());
        nullableInstant(out, e.startedAt());
        nullableInstant(out, e.lastSeenAt());
        out.writeLong(e.auditPosition());
        out.writeLong(e.version());
      } else {
        throw new IllegalArgumentException("no frame for " + record.getClass().getName());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  private static Object decodePayload(byte[] payload) throws IOException {
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(payload));
    byte kind = in.readByte();
    switch (kind) {
      case GRANT:
        return grant(in);
      case ACCOUNT_WITHOUT_SCHEDULE:
        return new AccountState(str(in), nullableStr(in), in.readBoolean(), nullableStr(in), in.readLong());
      case ACCOUNT:
        return new AccountState(str(in), nullableStr(in), in.readBoolean(), nullableStr(in), in.readInt(),
            nullableInstant(in), in.readLong());
      case INCIDENT:
        return new IncidentState(nullableStr(in), nullableStr(in), nullableStr(in), nullableInstant(in),
            in.readLong());
      case THROTTLE:
        return new ThrottleState(str(in), nullableInstant(in), in.readInt(), in.readInt(), nullableInstant(in),
            nullableInstant(in), in.readLong());
      case THROTTLE_PURGED:
        return new ThrottlePurged(str(in));
      case ENGINE:
        return new EngineRecord(str(in), in.readBoolean(), nullableInstant(in), nullableInstant(in), in.readLong(),
            in.readLong());
      default:
        throw new IOException("unknown record kind " + kind + " (written by a newer version?)");
    }
  }

  private static void grant(DataOutputStream out, GrantRecord g) throws IOException {
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
  }

  private static GrantRecord grant(DataInputStream in) throws IOException {
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
    if (n < 0 || n > 10_000) {
      throw new EOFException("bad approval count " + n);
    }
    List<ApprovalRecord> approvals = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      approvals.add(new ApprovalRecord(str(in), instant(in)));
    }
    GrantStatus status = GrantStatus.valueOf(str(in));
    return new GrantRecord(id, requester, account, reason, ticket, duration, digest, requestedAt, required,
        approvals, status, nullableInstant(in), nullableInstant(in), nullableInstant(in), in.readBoolean(),
        in.readLong());
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
