/** Embedded default: alert. */
@NullMarked
package dev.breakglass.core.alert;

import org.jspecify.annotations.NullMarked;
