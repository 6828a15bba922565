package dev.breakglass.core.internal;

import dev.breakglass.core.audit.Fingerprinter;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The details of one audit record, protected as they are added: a value is kept as it is only if
 * its key is declared clear ({@link AuditDetail}, or a name the configuration declares: an account
 * or a health probe, whose values are outcomes); every other value is replaced by its keyed
 * fingerprint. This is the only place the engine fingerprints audit details, so no call site can
 * forget to. Made by {@link Recorder#details()}; not thread-safe (one record, one thread).
 */
final class AuditDetails {
  /** What stays clear besides {@link AuditDetail}'s allow-list, and the key that fingerprints the rest. */
  static final class Protection {
    private final Fingerprinter fingerprinter;
    private final Set<String> configuredClearNames;

    /**
     * @param configuredClearNames keys that name configured things (accounts, probes); a detail
     *     under such a key is an outcome about that thing, and stays clear
     */
    Protection(Fingerprinter fingerprinter, Set<String> configuredClearNames) {
      this.fingerprinter = Objects.requireNonNull(fingerprinter, "fingerprinter");
      this.configuredClearNames = Set.copyOf(configuredClearNames);
    }

    boolean isClear(String key) {
      return AuditDetail.isClear(key) || configuredClearNames.contains(key);
    }
  }

  private final Protection protection;
  private final Map<String, String> values = new LinkedHashMap<>();

  AuditDetails(Protection protection) {
    this.protection = protection;
  }

  /** Adds a detail: as it is if {@code key} is declared clear, else as its keyed fingerprint. */
  AuditDetails put(String key, String value) {
    Objects.requireNonNull(value, key);
    values.put(key, protection.isClear(key) ? value : protection.fingerprinter.fingerprint(value));
    return this;
  }

  /** Adds every entry of {@code details} as {@link #put} does. */
  AuditDetails putAll(Map<String, String> details) {
    details.forEach(this::put);
    return this;
  }

  /**
   * Adds a detail as its keyed fingerprint even if its key is declared clear: for a value the
   * policy asks to hide in this case only (a ticket of an account with {@code fingerprintTicket}).
   */
  AuditDetails putSensitive(String key, String value) {
    values.put(key, protection.fingerprinter.fingerprint(value));
    return this;
  }

  /**
   * Adds a released credential, always as its keyed fingerprint under the credential key (which
   * reviewers' keys cannot reproduce), without making a {@code String} of it.
   */
  AuditDetails putSecret(String key, char[] secret) {
    values.put(key, protection.fingerprinter.credentialFingerprint(secret));
    return this;
  }

  /** The value as it will be written (already fingerprinted where sensitive), or {@code null}. */
  @Nullable String get(String key) {
    return values.get(key);
  }

  /** The details as they will be written, in insertion order. */
  Map<String, String> asMap() {
    return Collections.unmodifiableMap(new LinkedHashMap<>(values));
  }
}
