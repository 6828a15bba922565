/**
 * Policy files: {@link dev.breakglass.core.policy.PolicyFiles} loads a
 * {@link dev.breakglass.BreakGlassPolicy} from YAML or JSON, all or nothing, with errors that name
 * the file, line and field. The tree reader and binder behind it are package-private.
 */
@NullMarked
package dev.breakglass.core.policy;

import org.jspecify.annotations.NullMarked;
