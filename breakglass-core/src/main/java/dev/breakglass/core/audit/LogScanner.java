package dev.breakglass.core.audit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Walks every frame of a log, segment by segment, and checks everything that needs no key: segment
 * headers and their order, frame and payload checksums, record sequence numbers (each equal to its
 * leaf index), non-decreasing record times, and that every checkpoint sits right after the records
 * it covers with the root hash of those records. Keeps the Merkle frontier as it goes. Given a
 * {@link CheckpointChain} ({@link #checkedBy}), it also checks every checkpoint's log id, key,
 * signature, growth and link to the one before it, and reports a break as an
 * {@link AuditLogRefusedException}.
 *
 * <p>Streaming: memory stays flat however long the log. Every problem is an
 * {@link AuditLogCorruptException} naming the record index, segment and byte offset; I/O errors are
 * {@link UncheckedIOException}s. Not thread-safe.
 */
final class LogScanner implements AutoCloseable {
  /** Where one segment's bytes come from. */
  interface Source {
    String name();

    long firstIndex();

    ReadableByteChannel open() throws IOException;
  }

  private final List<Source> sources;
  private final MessageDigest sha256 = MerkleProofs.sha256();
  private final MerkleFrontier frontier = new MerkleFrontier();
  private final RecordHead head = new RecordHead();
  private int segmentNo = -1;
  private ReadableByteChannel channel;
  private SegmentScanner scanner;
  private long lastSecond = Long.MIN_VALUE;
  private int lastNano;
  private byte[] leafHash;
  private Checkpoint checkpoint;
  private long recordIndex = -1;
  private @Nullable CheckpointChain chain;
  /** The index of the first record of the first source: 0 unless this scanner reads a tail. */
  private final long base;

  LogScanner(List<Source> sources) {
    this(sources, 0);
  }

  private LogScanner(List<Source> sources, long base) {
    this.sources = sources;
    this.base = base;
  }

  /**
   * A scanner of the segments of {@code dir} from the one holding record {@code from} on: for a log
   * that was verified whole when it was opened, so a read from a late position does not hash the whole
   * log again. Frames, checksums, sequence numbers and times are checked as usual; checkpoint root
   * hashes are not (the records before the first segment read are not hashed).
   */
  static LogScanner tailOf(Path dir, long from) {
    List<Source> all = segmentsOf(dir);
    int first = 0;
    while (first + 1 < all.size() && all.get(first + 1).firstIndex() <= from) {
      first++;
    }
    List<Source> tail = all.subList(first, all.size());
    return new LogScanner(tail, tail.isEmpty() ? 0 : tail.get(0).firstIndex());
  }

  /** Records passed so far, counting those before a tail's first segment. */
  private long size() {
    return base + frontier.size();
  }

  /** Checks every checkpoint against {@code chain} as well. */
  LogScanner checkedBy(CheckpointChain chain) {
    this.chain = chain;
    return this;
  }

  static LogScanner of(Path dir) {
    return new LogScanner(segmentsOf(dir));
  }

  /** The segment files of {@code dir}, ordered by the first index their names give. */
  static List<Source> segmentsOf(Path dir) {
    List<Source> out = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, LogFormat.SEGMENT_PREFIX + "*")) {
      for (Path p : ds) {
        long first = LogFormat.segmentIndex(p.getFileName().toString());
        if (first >= 0 && Files.isRegularFile(p)) {
          out.add(fileSource(p, first));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list audit log directory " + dir, e);
    }
    out.sort(Comparator.comparingLong(Source::firstIndex));
    return out;
  }

  static Source fileSource(Path p, long first) {
    return new Source() {
      @Override
      public String name() {
        return p.getFileName().toString();
      }

      @Override
      public long firstIndex() {
        return first;
      }

      @Override
      public ReadableByteChannel open() throws IOException {
        return Files.newByteChannel(p, StandardOpenOption.READ);
      }
    };
  }

  /**
   * Moves to the next frame.
   *
   * @return false after the last frame of the last segment
   * @throws AuditLogCorruptException at the first problem
   */
  boolean next() {
    leafHash = null;
    checkpoint = null;
    try {
      while (true) {
        if (scanner == null && !openNextSegment()) {
          return false;
        }
        boolean more;
        try {
          more = scanner.next();
        } catch (SegmentScanner.BadFrame bad) {
          throw corrupt(bad.offset, bad.getMessage());
        }
        if (more) {
          break;
        }
        closeChannel();
        scanner = null;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read audit log segment " + segment(), e);
    }
    byte[] b = scanner.array();
    int off = scanner.payloadOffset();
    int len = scanner.payloadLength();
    long expected = size();
    if (scanner.type() == LogFormat.RECORD) {
      if (!head.parse(b, off, len)) {
        throw corrupt(scanner.frameOffset(), head.problem);
      }
      if (head.seq != expected) {
        throw corrupt(scanner.frameOffset(), "record has sequence number " + head.seq + ", expected " + expected);
      }
      if (head.compareTime(lastSecond, lastNano) < 0) {
        throw corrupt(scanner.frameOffset(), "record time goes backwards");
      }
      lastSecond = head.epochSecond;
      lastNano = head.nano;
      leafHash = MerkleProofs.leafHash(sha256, b, off, len);
      frontier.appendLeafHash(leafHash);
      recordIndex = expected;
    } else {
      Checkpoint c;
      try {
        c = Checkpoint.parse(b, off, len);
      } catch (IllegalArgumentException e) {
        throw corrupt(scanner.frameOffset(), "unreadable checkpoint: " + e.getMessage());
      }
      String problem = chain == null ? null : chain.logIdProblem(c);
      if (problem != null) {
        throw refused(scanner.frameOffset(), problem);
      }
      if (c.treeSize() != expected) {
        throw corrupt(scanner.frameOffset(), "checkpoint for " + c.treeSize() + " records found after "
            + expected + " records");
      }
      if (base == 0 && !MessageDigest.isEqual(c.rootHash(), frontier.root())) {
        throw corrupt(scanner.frameOffset(), "checkpoint root hash does not match the records before it");
      }
      problem = chain == null ? null : chain.accept(c);
      if (problem != null) {
        throw refused(scanner.frameOffset(), problem);
      }
      checkpoint = c;
    }
    return true;
  }

  private boolean openNextSegment() throws IOException {
    if (segmentNo + 1 >= sources.size()) {
      return false;
    }
    segmentNo++;
    Source s = sources.get(segmentNo);
    long expected = size();
    if (s.firstIndex() != expected) {
      throw new AuditLogCorruptException(expected, s.name(), 0, "segment should start at record "
          + expected + " but its name says " + s.firstIndex() + " (a segment is missing or misnamed)");
    }
    channel = s.open();
    byte[] h = new byte[LogFormat.SEGMENT_HEADER];
    ByteBuffer hb = ByteBuffer.wrap(h);
    while (hb.hasRemaining() && channel.read(hb) >= 0) {
      // keep reading until the header is complete or the segment ends
    }
    if (hb.hasRemaining()) {
      throw new AuditLogCorruptException(expected, s.name(), 0, "segment is shorter than its header");
    }
    long first;
    try {
      first = LogFormat.parseSegmentHeader(h);
    } catch (IllegalArgumentException e) {
      throw new AuditLogCorruptException(expected, s.name(), 0, e.getMessage());
    }
    if (first != expected) {
      throw new AuditLogCorruptException(expected, s.name(), 0, "segment header says it starts at record "
          + first + ", expected " + expected);
    }
    scanner = new SegmentScanner(channel, LogFormat.SEGMENT_HEADER);
    return true;
  }

  private AuditLogCorruptException corrupt(long offset, String problem) {
    return new AuditLogCorruptException(size(), segment(), offset, problem);
  }

  private AuditLogRefusedException refused(long offset, String problem) {
    return new AuditLogRefusedException(size(), segment(), offset, problem);
  }

  boolean isRecord() {
    return leafHash != null;
  }

  /** Index of the current record. */
  long recordIndex() {
    return recordIndex;
  }

  /** The current record's leaf hash; null for a checkpoint. */
  byte[] leafHash() {
    return leafHash;
  }

  /** The current checkpoint; null for a record. */
  Checkpoint checkpoint() {
    return checkpoint;
  }

  byte[] array() {
    return scanner.array();
  }

  int payloadOffset() {
    return scanner.payloadOffset();
  }

  int payloadLength() {
    return scanner.payloadLength();
  }

  long recordSecond() {
    return lastSecond;
  }

  int recordNano() {
    return lastNano;
  }

  String segment() {
    return segmentNo >= 0 && segmentNo < sources.size() ? sources.get(segmentNo).name() : "(none)";
  }

  long frameOffset() {
    return scanner.frameOffset();
  }

  long endOffset() {
    return scanner.endOffset();
  }

  /** The tree of every record read so far. */
  MerkleFrontier frontier() {
    return frontier;
  }

  @Override
  public void close() {
    closeChannel();
  }

  private void closeChannel() {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException ignored) {
        // Read-only channel: nothing was written that closing could lose.
      }
      channel = null;
    }
  }
}
