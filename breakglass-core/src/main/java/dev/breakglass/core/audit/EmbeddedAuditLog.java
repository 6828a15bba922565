package dev.breakglass.core.audit;

import dev.breakglass.AuditUnavailableException;
import dev.breakglass.spi.CheckpointWitness;
import dev.breakglass.spi.files.DurableFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens the engine's audit log in a data directory, with the rules that keep whoever can write the
 * data directory (but cannot read the signing key) from making the engine sign a history it did
 * not write.
 *
 * <h2>Layout</h2>
 * <ul>
 *   <li>{@code <data>/audit/}: the {@link TamperEvidentAuditLog};
 *   <li>{@code <data>/keys/audit-signing.key}: its Ed25519 signing key (owner-only);
 *   <li>{@code <data>/audit.pub}: its public key, written once, when the log is created.
 * </ul>
 *
 * <h2>Rules</h2>
 * <ul>
 *   <li><b>A signing key is created only with a new log.</b> A log whose key file is missing is
 *       refused (restore the key from its backup); it never gets a new key.
 *   <li><b>{@code audit.pub} is written only when the log is created</b> (or, after a crash in
 *       between, while the log still holds no record), never rewritten. If it names another key
 *       than the signing key, the log is refused.
 *   <li><b>A deleted log is refused</b>: no segments but an {@code audit.pub} means the log existed.
 *       To start a new log on purpose, move the old log, the key and {@code audit.pub} aside.
 *   <li>Then {@link TamperEvidentAuditLog} checks every checkpoint and every witness on open.
 * </ul>
 *
 * <p>Every refusal is an {@link AuditLogRefusedException} naming the record and byte offset, and
 * changes nothing on disk. {@code audit.pub} in the data directory is a convenience only: whoever
 * can rewrite the log can rewrite it too, so reviewers verify with a copy kept elsewhere.
 */
public final class EmbeddedAuditLog {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedAuditLog.class);
  /** The log directory, under the data directory. */
  public static final String DIRECTORY = "audit";
  /** The public key file, under the data directory. */
  public static final String PUBLIC_KEY_FILE = "audit.pub";
  /** The signing key file, under the data directory. */
  public static final String SIGNING_KEY_FILE = "keys/audit-signing.key";

  private EmbeddedAuditLog() {}

  /**
   * Opens (or creates) the log of {@code dataDirectory} under the rules above.
   *
   * @param witnesses checked at open and given every checkpoint; closed by the log
   * @throws AuditLogRefusedException if a rule or a check on open fails
   * @throws AuditLogCorruptException if the log is damaged anywhere but its tail
   * @throws AuditUnavailableException if the files cannot be used
   */
  public static TamperEvidentAuditLog open(Path dataDirectory, Clock clock, List<CheckpointWitness> witnesses) {
    Objects.requireNonNull(clock, "clock");
    Path dir = dataDirectory.resolve(DIRECTORY);
    Path keyFile = dataDirectory.resolve(SIGNING_KEY_FILE);
    Path pub = dataDirectory.resolve(PUBLIC_KEY_FILE);
    boolean logExists = Files.isDirectory(dir) && !LogScanner.segmentsOf(dir).isEmpty();
    AuditSigningKey key;
    if (logExists) {
      if (!Files.exists(keyFile)) {
        throw refused(dir, "the signing key " + keyFile + " is missing but the log in " + dir + " exists: restore"
            + " the key from its backup (a new key would sign a history it did not write)");
      }
      key = load(dir, keyFile);
      checkPublished(dir, pub, key);
    } else {
      if (Files.exists(pub)) {
        throw new AuditLogRefusedException(0, LogFormat.segmentName(0), 0, "the audit log " + dir + " is missing but "
            + pub + " exists: the log was deleted; restore it from its backup (to start a new log on purpose, move"
            + " the old log, " + keyFile.getFileName() + " and " + PUBLIC_KEY_FILE + " aside)");
      }
      key = Files.exists(keyFile) ? load(dir, keyFile) : create(keyFile);
    }
    TamperEvidentAuditLog.Builder b = TamperEvidentAuditLog.builder(dir).signingKey(key).clock(clock);
    witnesses.forEach(b::witness);
    TamperEvidentAuditLog log = b.build();
    if (!Files.exists(pub) && log.size() == 0) {
      try {
        DurableFiles.write(pub, key.publicKey().toText().getBytes(StandardCharsets.UTF_8));
      } catch (IOException e) {
        log.close();
        throw new AuditUnavailableException("cannot write " + pub + ": " + e.getMessage(), e);
      }
    } else if (!Files.exists(pub)) {
      LOG.warn("{} is missing; it is written only when the log is created. Verify the log with the copy of the public"
          + " key you keep outside the data directory.", pub);
    }
    return log;
  }

  private static AuditSigningKey load(Path dir, Path keyFile) {
    try {
      return AuditSigningKey.load(keyFile);
    } catch (IllegalArgumentException | UncheckedIOException e) {
      throw refused(dir, "the signing key " + keyFile + " cannot be used: " + e.getMessage());
    }
  }

  private static AuditSigningKey create(Path keyFile) {
    AuditSigningKey key = AuditSigningKey.generate();
    try {
      key.writeNew(keyFile);
      return key;
    } catch (FileAlreadyExistsException e) {
      return AuditSigningKey.load(keyFile);
    }
  }

  private static void checkPublished(Path dir, Path pub, AuditSigningKey key) {
    if (!Files.exists(pub)) {
      return;
    }
    AuditPublicKey published;
    try {
      published = AuditPublicKey.read(pub);
    } catch (IllegalArgumentException | UncheckedIOException e) {
      throw refused(dir, pub + " is not the log's public key: " + e.getMessage());
    }
    if (!published.equals(key.publicKey())) {
      throw refused(dir, pub + " names key " + published.keyId() + ", but the log's signing key is " + key.keyId()
          + ": audit.pub or the key was replaced; verify the log with the copy of audit.pub kept outside the data"
          + " directory");
    }
  }

  private static AuditLogRefusedException refused(Path dir, String problem) {
    LogEnd end = LogEnd.of(dir);
    return new AuditLogRefusedException(end.records(), end.segment(), end.offset(), problem);
  }
}
