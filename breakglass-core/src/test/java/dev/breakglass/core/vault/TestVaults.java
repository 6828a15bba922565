package dev.breakglass.core.vault;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** Shared fixtures for the vault tests. */
final class TestVaults {
  /** Cheap Argon2id parameters so that tests that open vaults many times stay fast. */
  /** The cheapest parameters accepted (OWASP's minimum); tests cannot go below what users may. */
  static final Argon2Parameters FAST = Argon2Parameters.recommended();

  static final String PASSPHRASE = "correct horse battery staple";

  private TestVaults() {}

  static char[] passphrase() {
    return PASSPHRASE.toCharArray();
  }

}
