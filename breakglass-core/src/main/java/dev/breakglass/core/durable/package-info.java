/** When the engine's durable files are forced to disk. Not exported: nothing here is API. */
@NullMarked
package dev.breakglass.core.durable;

import org.jspecify.annotations.NullMarked;
