/** The {@code breakglass} command: {@link dev.breakglass.cli.BreakGlassCli}. */
@NullMarked
package dev.breakglass.cli;

import org.jspecify.annotations.NullMarked;
