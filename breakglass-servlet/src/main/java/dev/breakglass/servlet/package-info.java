/**
 * {@link dev.breakglass.servlet.BreakGlassBasicAuthFilter}: HTTP basic sign-in through
 * {@link dev.breakglass.BreakGlass#guard}, with the emergency principal on the request.
 */
@NullMarked
package dev.breakglass.servlet;

import org.jspecify.annotations.NullMarked;
