/**
 * Signed approvals: verifying custodians' signatures over {@link dev.breakglass.ApprovalStatement}s
 * (raw Ed25519 and ECDSA P-256 with the JDK, other kinds through
 * {@link dev.breakglass.spi.ApprovalSignatureVerifier}s), how signatures and keys are written into
 * audit records ({@link dev.breakglass.core.approval.SignatureDetails}), and re-verifying every
 * approval of an audit log offline ({@link dev.breakglass.core.approval.ApprovalLogVerifier}).
 */
@NullMarked
package dev.breakglass.core.approval;

import org.jspecify.annotations.NullMarked;
