package dev.breakglass.core.audit;

import dev.breakglass.AuditUnavailableException;

/**
 * An audit log is damaged or has been tampered with: a frame, checksum, record, segment or
 * checkpoint is not what the writer wrote. Names the first bad place: the index of the record
 * (or of the record that would come next, for a bad checkpoint or segment header), the segment file
 * and the byte offset inside it.
 *
 * <p>Opening a damaged log throws this (a subclass of {@link AuditUnavailableException}, so an engine
 * that cannot open its audit log fails closed); readers throw it for every malformed input and
 * nothing else.
 */
public class AuditLogCorruptException extends AuditUnavailableException {
  private static final long serialVersionUID = 1L;

  private final long recordIndex;
  private final String segment;
  private final long byteOffset;
  private final String problem;

  public AuditLogCorruptException(long recordIndex, String segment, long byteOffset, String problem) {
    this("audit log damaged", recordIndex, segment, byteOffset, problem);
  }

  /** For subclasses: {@code lead} starts the message, before the location. */
  protected AuditLogCorruptException(String lead, long recordIndex, String segment, long byteOffset, String problem) {
    super(lead + " at record " + recordIndex + " (" + segment + ", byte offset " + byteOffset + "): " + problem);
    this.recordIndex = recordIndex;
    this.segment = segment;
    this.byteOffset = byteOffset;
    this.problem = problem;
  }

  /** Index of the first bad record (or of the record position where the damage is). */
  public long recordIndex() {
    return recordIndex;
  }

  /** File name of the segment holding the damage. */
  public String segment() {
    return segment;
  }

  /** Byte offset of the damage inside {@link #segment()}. */
  public long byteOffset() {
    return byteOffset;
  }

  /** What is wrong, without the location. */
  public String problem() {
    return problem;
  }
}
