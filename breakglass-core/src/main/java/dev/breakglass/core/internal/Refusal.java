package dev.breakglass.core.internal;

import dev.breakglass.ReasonCode;
import java.util.Objects;

/**
 * Why a rule says no: the code a program acts on and the message a person reads. Rules return one
 * (or {@code null} when they allow); the caller audits it and throws.
 */
record Refusal(ReasonCode code, String message) {
  Refusal {
    Objects.requireNonNull(code, "code");
    Objects.requireNonNull(message, "message");
  }
}
