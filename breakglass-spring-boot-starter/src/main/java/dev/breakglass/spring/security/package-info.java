/**
 * Spring Security integration, usable without Spring Boot:
 * {@link dev.breakglass.spring.security.BreakGlassAuthenticationProvider} (the guard around the
 * application's provider), {@link dev.breakglass.spring.security.BreakGlassAuthenticationToken} (an
 * emergency sign-in) and {@link dev.breakglass.spring.security.BreakGlassGrantFilter} (emergency
 * sessions end with their grant).
 */
@NullMarked
package dev.breakglass.spring.security;

import org.jspecify.annotations.NullMarked;
