package dev.breakglass.core.vault;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** Shared fixtures for the vault tests. */
final class TestVaults {
  /** Cheap Argon2id parameters so that tests that open vaults many times stay fast. */
  static final Argon2Parameters FAST = Argon2Parameters.of(256, 1, 1);

  static final String PASSPHRASE = "correct horse battery staple";

  private TestVaults() {}

  static char[] passphrase() {
    return PASSPHRASE.toCharArray();
  }

}
