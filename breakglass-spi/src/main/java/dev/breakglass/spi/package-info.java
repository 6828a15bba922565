/**
 * The breakglass service provider interface. Implement an interface here, register a provider for
 * it in {@code META-INF/services} (and with {@code provides} in {@code module-info.java}), and prove
 * it with the matching contract in {@code breakglass-tck}. Non-null unless annotated.
 */
@NullMarked
package dev.breakglass.spi;

import org.jspecify.annotations.NullMarked;
