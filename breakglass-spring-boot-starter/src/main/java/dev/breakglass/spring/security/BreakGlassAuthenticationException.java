package dev.breakglass.spring.security;

import dev.breakglass.BreakGlassException;
import dev.breakglass.ReasonCode;
import org.springframework.security.authentication.BadCredentialsException;

/**
 * A sign-in refused by the break-glass path: a break-glass account used outside an emergency
 * ({@link ReasonCode#NOT_IN_EMERGENCY}, which also raised a critical alert), without an active grant,
 * or with the wrong credential. It is a {@link BadCredentialsException}, so login pages treat it like
 * any failed sign-in and reveal nothing more; {@link #code()} tells a program why.
 */
public class BreakGlassAuthenticationException extends BadCredentialsException {
  private static final long serialVersionUID = 1L;

  private final ReasonCode code;

  /** Wraps a refusal from the engine, keeping its reason code and message (which carry no secret). */
  public BreakGlassAuthenticationException(BreakGlassException cause) {
    super(cause.getMessage(), cause);
    this.code = cause.code();
  }

  /** Why the sign-in was refused. */
  public ReasonCode code() {
    return code;
  }
}
