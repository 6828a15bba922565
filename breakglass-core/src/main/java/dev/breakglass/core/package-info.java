/**
 * The breakglass engine. {@link dev.breakglass.core.BreakGlassEngine#builder()} builds a
 * {@link dev.breakglass.BreakGlass} with SPI components supplied in code; host code that only
 * knows the API uses {@link dev.breakglass.BreakGlass#builder()}, which finds this engine.
 */
@NullMarked
package dev.breakglass.core;

import org.jspecify.annotations.NullMarked;
