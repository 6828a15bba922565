/**
 * When to try a failed operation again: {@link dev.breakglass.core.retry.Backoff}, the one
 * exponential backoff with cap and jitter used for rotation retries and alert redelivery.
 */
@NullMarked
package dev.breakglass.core.retry;

import org.jspecify.annotations.NullMarked;
