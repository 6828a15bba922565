/** The actuator health indicator and endpoint, and the Micrometer metrics. */
@NullMarked
package dev.breakglass.spring.boot.actuate;

import org.jspecify.annotations.NullMarked;
