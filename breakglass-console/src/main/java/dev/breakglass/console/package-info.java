/**
 * The approval console: mount {@link dev.breakglass.console.BreakGlassConsole} under a path in any
 * servlet container.
 */
@NullMarked
package dev.breakglass.console;

import org.jspecify.annotations.NullMarked;
