/**
 * The Spring Boot auto-configuration: {@link dev.breakglass.spring.boot.BreakGlassProperties}
 * ({@code breakglass.*}), the {@code BreakGlass} bean, {@link dev.breakglass.spring.boot.BreakGlassAuditEvent}
 * application events and {@link dev.breakglass.spring.boot.AuditObserver}s.
 */
@NullMarked
package dev.breakglass.spring.boot;

import org.jspecify.annotations.NullMarked;
