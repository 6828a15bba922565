/** Embedded default: vault. */
@NullMarked
package dev.breakglass.core.vault;

import org.jspecify.annotations.NullMarked;
