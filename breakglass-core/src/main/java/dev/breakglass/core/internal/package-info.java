/** The engine's implementation. Not exported: nothing here is API. */
@NullMarked
package dev.breakglass.core.internal;

import org.jspecify.annotations.NullMarked;
