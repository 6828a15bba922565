/**
 * The breakglass API: emergency access to pre-staged accounts when the primary identity provider
 * fails, under a policy, with approvals, time-boxed grants, alerts and a tamper-evident audit trail.
 *
 * <p>Start with {@link dev.breakglass.BreakGlass}. Everything in this package is non-null unless
 * annotated {@code @Nullable}.
 */
@NullMarked
package dev.breakglass;

import org.jspecify.annotations.NullMarked;
