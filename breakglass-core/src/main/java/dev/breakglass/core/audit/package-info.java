/** Embedded default: audit. */
@NullMarked
package dev.breakglass.core.audit;

import org.jspecify.annotations.NullMarked;
