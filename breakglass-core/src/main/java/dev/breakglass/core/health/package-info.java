/** Embedded default: health. */
@NullMarked
package dev.breakglass.core.health;

import org.jspecify.annotations.NullMarked;
