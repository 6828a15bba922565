/**
 * Drill evidence: one self-contained, signed JSON file per drill, with the drill's audit records,
 * an inclusion proof of each against a signed checkpoint, and the drill's HTML report, checked
 * offline with the audit log's public key alone.
 *
 * <ul>
 *   <li>{@link dev.breakglass.core.evidence.DrillEvidence#export} writes the pack (and the HTML
 *       report next to it) from the audit log after a drill;
 *   <li>{@link dev.breakglass.core.evidence.DrillEvidence#verify} checks one, naming every part
 *       that fails; {@code breakglass evidence verify} runs it.
 * </ul>
 */
@NullMarked
package dev.breakglass.core.evidence;

import org.jspecify.annotations.NullMarked;
