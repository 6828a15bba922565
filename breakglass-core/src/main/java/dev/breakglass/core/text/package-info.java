/** Escaping of untrusted text shared by the engine's parts. Not exported: nothing here is API. */
@NullMarked
package dev.breakglass.core.text;

import org.jspecify.annotations.NullMarked;
