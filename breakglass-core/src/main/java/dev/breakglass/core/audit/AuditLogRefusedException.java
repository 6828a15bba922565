package dev.breakglass.core.audit;

/**
 * An audit log was refused at open because its trust does not hold, even though its frames may be
 * intact: a checkpoint is missing, invalid, of another log or signed by another key; the signed size
 * shrank; records after the last checkpoint span more than the checkpoint interval allows; the
 * signing key or {@code audit.pub} is missing or replaced; or the log does not extend the newest
 * checkpoint a {@link dev.breakglass.spi.CheckpointWitness} holds.
 *
 * <p>Nothing was changed: no torn tail was cut, no key created, no checkpoint signed. Like every
 * {@link AuditLogCorruptException} it names the record index, segment and byte offset of the place
 * that does not hold (for a missing key or log, the end or start of the log), and the engine that
 * gets it raises a CRITICAL {@code AUDIT_LOG_REFUSED} alert and does not start. Investigate before
 * anything else: restore the files from a backup, or compare with the witnessed checkpoint (see the
 * README's threat model).
 */
public class AuditLogRefusedException extends AuditLogCorruptException {
  private static final long serialVersionUID = 1L;

  public AuditLogRefusedException(long recordIndex, String segment, long byteOffset, String problem) {
    super("audit log refused", recordIndex, segment, byteOffset, problem);
  }
}
