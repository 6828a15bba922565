package dev.breakglass.spi;

/** How urgently people must see an alert. */
public enum Severity {
  /** Requests and approvals: custodians and security should know. */
  INFO,
  /** Grants issued and credentials released: someone should look now. */
  HIGH,
  /** Use outside an emergency, tampering, failed rotation or drill: wake someone up. */
  CRITICAL
}
