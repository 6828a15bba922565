/**
 * Embedded audit sinks and the tools to check them.
 *
 * <ul>
 *   <li>{@link dev.breakglass.core.audit.TamperEvidentAuditLog}: the default sink. Framed, checksummed
 *       records on local disk, group-committed with fsync, forming an RFC 6962 Merkle tree with
 *       Ed25519-signed {@link dev.breakglass.core.audit.Checkpoint checkpoints}.
 *   <li>{@link dev.breakglass.core.audit.AuditLogVerifier}, {@link dev.breakglass.core.audit.AuditLogReader},
 *       {@link dev.breakglass.core.audit.AuditLogProofs} and {@link dev.breakglass.core.audit.MerkleProofs}:
 *       offline verification, reading and proofs, needing only the log directory and the
 *       {@link dev.breakglass.core.audit.AuditPublicKey}.
 *   <li>{@link dev.breakglass.core.audit.EmbeddedAuditLog}: the engine's log in a data directory, with
 *       the rules for its signing key and {@code audit.pub}; {@link
 *       dev.breakglass.core.audit.DirectoryCheckpointWitness} and {@link
 *       dev.breakglass.core.audit.AlertCheckpointWitness}: built-in
 *       {@link dev.breakglass.spi.CheckpointWitness checkpoint witnesses} that keep the log's trust
 *       outside the data directory.
 *   <li>{@link dev.breakglass.core.audit.JsonLinesAuditSink}: a simple durable JSON-lines file, not
 *       tamper-evident.
 *   <li>{@link dev.breakglass.core.audit.AuditEventCodec} (the canonical record encoding) and
 *       {@link dev.breakglass.core.audit.Fingerprinter} (keyed fingerprints of sensitive values).
 * </ul>
 */
@NullMarked
package dev.breakglass.core.audit;

import org.jspecify.annotations.NullMarked;
