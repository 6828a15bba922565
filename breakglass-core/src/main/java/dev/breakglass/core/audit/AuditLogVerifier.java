package dev.breakglass.core.audit;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Verifies a whole {@link TamperEvidentAuditLog} offline, with nothing but its directory and the
 * public key(s) of its signer: every segment header, every frame and CRC32C, every record's
 * sequence number (gap-free, equal to its leaf index) and time (never backwards), every
 * checkpoint's position, root hash, key and Ed25519 signature, checkpoint times (never
 * backwards), and the chain of checkpoints: one log id throughout, sizes that only grow, each
 * naming the size of the one before it (so a removed checkpoint is found). Reports the first
 * problem by record index, segment and byte offset.
 *
 * <p>A log cut short at a frame boundary looks like a log that simply has fewer records; to detect
 * truncation, give the verifier a {@link Builder#trustedCheckpoint checkpoint kept elsewhere}
 * (the log must still contain its tree and, for a checkpoint that names its log, have the same log
 * id) and/or {@link Builder#requireSealed require} that the last record is covered by a checkpoint
 * (as after a clean close). Keep that checkpoint and the public key outside the data directory:
 * whoever can rewrite the log can rewrite {@code <data>/audit.pub} too.
 *
 * <p>Streaming: memory stays flat (a read buffer and O(log n) hashes) however long the log.
 * {@link #verify} never throws for anything found in the log; only for I/O errors
 * ({@link UncheckedIOException}). Immutable and thread-safe.
 *
 * <pre>{@code
 * VerificationResult r = AuditLogVerifier.builder(AuditPublicKey.read(Path.of("audit.pub")))
 *     .trustedCheckpoint(Checkpoint.parse(Files.readString(Path.of("checkpoint.txt"))))
 *     .build()
 *     .verify(Path.of("/var/lib/breakglass/audit"));
 * if (!r.valid()) System.err.println(r.problem());
 * }</pre>
 */
public final class AuditLogVerifier {
  private final Map<String, AuditPublicKey> keys;
  private final @Nullable Checkpoint trusted;
  private final boolean requireSealed;
  private final boolean decodeRecords;
  private final @Nullable Progress progress;

  private AuditLogVerifier(Builder b) {
    this.progress = b.progress;
    this.keys = Map.copyOf(b.keys);
    this.trusted = b.trusted;
    this.requireSealed = b.requireSealed;
    this.decodeRecords = b.decodeRecords;
  }

  /** A verifier trusting {@code key} (add more with {@link Builder#trustedKey}). */
  public static Builder builder(AuditPublicKey key) {
    return new Builder().trustedKey(key);
  }

  /** Shorthand for {@code builder(key).build()}. */
  public static AuditLogVerifier of(AuditPublicKey key) {
    return builder(key).build();
  }

  /**
   * Told how far verification has come, for a progress display; called on the verifying thread
   * every {@value #PROGRESS_EVERY} records and once at the end of each segment.
   */
  @FunctionalInterface
  public interface Progress {
    /**
     * @param records records verified so far
     * @param segment the segment being read (its file name)
     * @param byteOffset how far into that segment
     */
    void progress(long records, String segment, long byteOffset);
  }

  /** Records between two {@link Progress} calls. */
  public static final int PROGRESS_EVERY = 16_384;

  /** The first problem found: where and what. */
  public record Problem(long recordIndex, String segment, long byteOffset, String description) {
    @Override
    public String toString() {
      return "record " + recordIndex + " (" + segment + ", byte offset " + byteOffset + "): " + description;
    }
  }

  /**
   * What verification found.
   *
   * @param problem the first problem, or {@code null} if the log is valid
   * @param records records read (up to the problem)
   * @param checkpoints valid checkpoints read
   * @param lastCheckpoint the last valid checkpoint read, if any
   * @param unsignedRecords records after {@code lastCheckpoint}, not yet covered by a signature
   */
  public record VerificationResult(@Nullable Problem problem, long records, long checkpoints,
      @Nullable Checkpoint lastCheckpoint, long unsignedRecords) {
    /** Whether no problem was found. */
    public boolean valid() {
      return problem == null;
    }
  }

  /** Verifies the log in {@code directory}. */
  public VerificationResult verify(Path directory) {
    if (!Files.isDirectory(directory)) {
      return new VerificationResult(new Problem(0, directory.toString(), 0, "not a directory"), 0, 0, null, 0);
    }
    return verify(LogScanner.segmentsOf(directory));
  }

  VerificationResult verify(List<LogScanner.Source> segments) {
    if (segments.isEmpty()) {
      return new VerificationResult(new Problem(0, "(none)", 0, "the log has no segments"), 0, 0, null, 0);
    }
    long checkpoints = 0;
    Checkpoint last = null;
    CheckpointChain chain = CheckpointChain.trusting(keys);
    LogScanner s = new LogScanner(segments).checkedBy(chain);
    String lastSegment = segments.get(segments.size() - 1).name();
    long endOffset = LogFormat.SEGMENT_HEADER;
    try (s) {
      if (trusted != null && trusted.treeSize() == 0 && !trustedRootMatches(s.frontier())) {
        return fail(s, 0, lastSegment, 0, "trusted checkpoint for an empty log has a wrong root", checkpoints, last);
      }
      String segment = null;
      while (s.next()) {
        endOffset = s.endOffset();
        if (progress != null) {
          if (segment != null && !segment.equals(s.segment())) {
            progress.progress(s.frontier().size(), segment, Long.MAX_VALUE);
          }
          segment = s.segment();
          if (s.isRecord() && s.recordIndex() % PROGRESS_EVERY == 0) {
            progress.progress(s.recordIndex(), segment, endOffset);
          }
        }
        if (s.isRecord()) {
          if (decodeRecords) {
            String why = decodeProblem(s);
            if (why != null) {
              return fail(s, s.recordIndex(), s.segment(), s.frameOffset(), why, checkpoints, last);
            }
          }
          if (trusted != null && trusted.treeSize() == s.frontier().size() && !trustedRootMatches(s.frontier())) {
            return fail(s, s.recordIndex(), s.segment(), s.frameOffset(),
                "the log's first " + trusted.treeSize() + " records do not match the trusted checkpoint "
                    + "(the log was rewritten)", checkpoints, last);
          }
        } else {
          Checkpoint c = s.checkpoint();
          if (trusted != null && trusted.logId() != null && c.logId() != null && !trusted.logId().equals(c.logId())) {
            return fail(s, c.treeSize(), s.segment(), s.frameOffset(), "the trusted checkpoint is of log "
                + trusted.logId() + ", but this log is " + c.logId() + " (another log)", checkpoints, last);
          }
          checkpoints++;
          last = c;
        }
      }
      if (segment != null) {
        progress.progress(s.frontier().size(), segment, Long.MAX_VALUE);
      }
    } catch (AuditLogCorruptException e) {
      return new VerificationResult(new Problem(e.recordIndex(), e.segment(), e.byteOffset(), e.problem()),
          s.frontier().size(), checkpoints, last, unsigned(s, last));
    }
    long size = s.frontier().size();
    if (trusted != null && trusted.treeSize() > size) {
      return fail(s, size, lastSegment, endOffset, "the log has " + size + " records but the trusted checkpoint covers "
          + trusted.treeSize() + " (records were removed)", checkpoints, last);
    }
    if (trusted != null && trusted.logId() != null && chain.logId() == null) {
      return fail(s, size, lastSegment, endOffset, "the trusted checkpoint is of log " + trusted.logId()
          + ", but this log names no log id (its checkpoints were removed, or it is another log)", checkpoints, last);
    }
    if (requireSealed && unsigned(s, last) > 0) {
      long from = last == null ? 0 : last.treeSize();
      return fail(s, from, lastSegment, endOffset, "records from " + from + " on are not covered by a signed checkpoint",
          checkpoints, last);
    }
    return new VerificationResult(null, size, checkpoints, last, unsigned(s, last));
  }

  private boolean trustedRootMatches(MerkleFrontier f) {
    return MessageDigest.isEqual(f.root(), trusted.rootHash());
  }

  private static long unsigned(LogScanner s, @Nullable Checkpoint last) {
    return s.frontier().size() - (last == null ? 0 : last.treeSize());
  }

  private static VerificationResult fail(LogScanner s, long index, String segment, long offset, String why,
      long checkpoints, @Nullable Checkpoint last) {
    return new VerificationResult(new Problem(index, segment, offset, why), s.frontier().size(), checkpoints, last,
        unsigned(s, last));
  }

  private static @Nullable String decodeProblem(LogScanner s) {
    byte[] b = Arrays.copyOfRange(s.array(), s.payloadOffset(), s.payloadOffset() + s.payloadLength());
    try {
      AuditEventCodec.Decoded d = AuditEventCodec.decode(b);
      if (!Arrays.equals(AuditEventCodec.encode(d.seq(), d.event(), d.instance()), b)) {
        return "record is not in canonical form";
      }
      return null;
    } catch (IllegalArgumentException | NullPointerException e) {
      return "undecodable record: " + e.getMessage();
    }
  }

  /** Configures an {@link AuditLogVerifier}. Not thread-safe. */
  public static final class Builder {
    private final Map<String, AuditPublicKey> keys = new LinkedHashMap<>();
    private @Nullable Checkpoint trusted;
    private boolean requireSealed;
    private boolean decodeRecords;
    private @Nullable Progress progress;

    private Builder() {}

    /** Reports progress to {@code listener} while verifying (for a progress bar); {@code null} for none. */
    public Builder progress(@Nullable Progress listener) {
      this.progress = listener;
      return this;
    }

    /** Trusts checkpoints signed by {@code key} (call again for each key the log was signed with). */
    public Builder trustedKey(AuditPublicKey key) {
      keys.put(key.keyId(), Objects.requireNonNull(key, "key"));
      return this;
    }

    /**
     * A checkpoint kept outside the log: the log must contain at least its tree size records, and
     * the root of its first {@code treeSize} records must equal the checkpoint's root.
     *
     * @throws IllegalArgumentException if the checkpoint is not validly signed by a trusted key
     */
    public Builder trustedCheckpoint(Checkpoint checkpoint) {
      AuditPublicKey k = keys.get(checkpoint.keyId());
      if (k == null || !checkpoint.verifySignature(k)) {
        throw new IllegalArgumentException("trusted checkpoint is not validly signed by a trusted key ("
            + checkpoint.keyId() + ")");
      }
      this.trusted = checkpoint;
      return this;
    }

    /** Whether every record must be covered by a checkpoint (true for a cleanly closed log). */
    public Builder requireSealed(boolean required) {
      this.requireSealed = required;
      return this;
    }

    /**
     * Whether to decode every record and check its canonical form as well (slower). Without it,
     * records are checked through their leaf hashes, sequence numbers and times.
     */
    public Builder decodeRecords(boolean decode) {
      this.decodeRecords = decode;
      return this;
    }

    public AuditLogVerifier build() {
      return new AuditLogVerifier(this);
    }
  }
}
