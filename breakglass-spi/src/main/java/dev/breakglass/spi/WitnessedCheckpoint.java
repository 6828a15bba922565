package dev.breakglass.spi;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A signed audit log checkpoint as a {@link CheckpointWitness} keeps it: the exact signed text, and
 * the few fields a witness needs to file it (which log, how many records, when, which key).
 *
 * <p>The text is what the engine signed; a witness stores it verbatim and hands it back unchanged
 * from {@link CheckpointWitness#newest()}. Whoever reads it back (the engine at start, a reviewer
 * with {@code breakglass verify --checkpoint}) checks the Ed25519 signature with the log's public
 * key; this class checks only the form, so a witness needs no cryptography.
 *
 * <h2>Text form</h2>
 *
 * Eight lines, each ending in a newline; the signature covers the first seven as UTF-8:
 *
 * <pre>
 * breakglass-audit-checkpoint v2
 * log 6f1c0e9a4b2d48c3a1f0e5d7c9b8a716      (the log id: 32 lower-case hex digits)
 * size 1234                                  (records covered)
 * previous 1024                              (records covered by the checkpoint before it, or none)
 * root &lt;base64 of the 32-byte RFC 6962 root hash&gt;
 * time 2026-01-02T03:04:05.678Z
 * key &lt;key id: 16 lower-case hex digits&gt;
 * signature &lt;base64 of the 64-byte Ed25519 signature&gt;
 * </pre>
 *
 * <pre>{@code
 * WitnessedCheckpoint c = WitnessedCheckpoint.parse(Files.readString(file));
 * if (c.logId().equals(held.logId()) && c.treeSize() > held.treeSize()) store(c.text());
 * }</pre>
 *
 * <p>Immutable and thread-safe. Two instances are equal when their texts are.
 */
public final class WitnessedCheckpoint {
  /** The first line of every checkpoint a witness receives. */
  public static final String HEADER = "breakglass-audit-checkpoint v2";
  private static final Pattern LOG_ID = Pattern.compile("[0-9a-f]{32}");
  private static final Pattern KEY_ID = Pattern.compile("[0-9a-f]{16}");
  private static final String[] FIELDS = {"log", "size", "previous", "root", "time", "key", "signature"};

  private final String text;
  private final String logId;
  private final long treeSize;
  private final Instant time;
  private final String keyId;

  private WitnessedCheckpoint(String text, String logId, long treeSize, Instant time, String keyId) {
    this.text = text;
    this.logId = logId;
    this.treeSize = treeSize;
    this.time = time;
    this.keyId = keyId;
  }

  /**
   * Reads the text form strictly: the eight lines above, in order, each ending in a newline. A
   * witness uses it to turn what it stored back into a checkpoint.
   *
   * @param text the signed text, exactly as {@link #text()} returned it
   * @return the checkpoint
   * @throws NullPointerException if {@code text} is null
   * @throws IllegalArgumentException naming the line that is wrong
   */
  public static WitnessedCheckpoint parse(String text) {
    Objects.requireNonNull(text, "text");
    if (!text.endsWith("\n")) {
      throw new IllegalArgumentException("checkpoint must end with a newline");
    }
    String[] lines = text.substring(0, text.length() - 1).split("\n", -1);
    if (lines.length != 8 || !lines[0].equals(HEADER)) {
      throw new IllegalArgumentException("not a witnessed checkpoint: expected '" + HEADER + "' and seven more lines");
    }
    String[] values = new String[FIELDS.length];
    for (int i = 0; i < FIELDS.length; i++) {
      String prefix = FIELDS[i] + " ";
      if (!lines[i + 1].startsWith(prefix) || lines[i + 1].length() == prefix.length()) {
        throw new IllegalArgumentException("checkpoint line " + (i + 2) + ": '" + prefix + "...' expected");
      }
      values[i] = lines[i + 1].substring(prefix.length());
    }
    if (!LOG_ID.matcher(values[0]).matches()) {
      throw new IllegalArgumentException("checkpoint line 2: the log id must be 32 lower-case hex digits");
    }
    long size = number(values[1], 3, "size");
    if (!values[2].equals("none") && number(values[2], 4, "previous") >= size) {
      throw new IllegalArgumentException("checkpoint line 4: previous must be below size " + size);
    }
    bytes(values[3], 5, "root", 32);
    Instant time;
    try {
      time = Instant.parse(values[4]);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("checkpoint line 6: time is not an ISO-8601 instant");
    }
    if (!KEY_ID.matcher(values[5]).matches()) {
      throw new IllegalArgumentException("checkpoint line 7: the key id must be 16 lower-case hex digits");
    }
    bytes(values[6], 8, "signature", 64);
    return new WitnessedCheckpoint(text, values[0], size, time, values[5]);
  }

  private static long number(String s, int line, String name) {
    try {
      long n = Long.parseLong(s);
      if (n >= 0 && Long.toString(n).equals(s)) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException("checkpoint line " + line + ": " + name + " must be a non-negative number");
  }

  private static void bytes(String s, int line, String name, int length) {
    byte[] b;
    try {
      b = Base64.getDecoder().decode(s);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("checkpoint line " + line + ": " + name + " is not valid base64");
    }
    if (b.length != length) {
      throw new IllegalArgumentException("checkpoint line " + line + ": " + name + " must be " + length + " bytes");
    }
  }

  /**
   * The signed text, exactly as the engine produced it. Store this and nothing else.
   *
   * @return the full text, ending in a newline
   */
  public String text() {
    return text;
  }

  /**
   * The id of the log the checkpoint belongs to; a witness serves one log.
   *
   * @return the log id
   */
  public String logId() {
    return logId;
  }

  /**
   * How many records the checkpoint covers; a newer checkpoint of the same log covers more.
   *
   * @return the number of records covered
   */
  public long treeSize() {
    return treeSize;
  }

  /**
   * When the checkpoint was signed, by the engine's clock.
   *
   * @return the signing time
   */
  public Instant time() {
    return time;
  }

  /**
   * The id of the key that signed it (the first 8 bytes of SHA-256 of the public key, in hex).
   *
   * @return the key id, 16 hex characters
   */
  public String keyId() {
    return keyId;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof WitnessedCheckpoint c && text.equals(c.text);
  }

  @Override
  public int hashCode() {
    return text.hashCode();
  }

  @Override
  public String toString() {
    return "WitnessedCheckpoint[log=" + logId + ", size=" + treeSize + ", time=" + time + ", key=" + keyId + "]";
  }
}
