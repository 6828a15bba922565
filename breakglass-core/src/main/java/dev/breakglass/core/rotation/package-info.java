/**
 * Credential rotation and short-lived credentials for the embedded defaults: {@link
 * dev.breakglass.core.rotation.VaultOnlyRotator} for accounts local to the host application,
 * {@link dev.breakglass.core.rotation.EphemeralCredentials} for credentials that exist only for one
 * grant and {@link dev.breakglass.core.rotation.SecretGenerator} for fresh random secrets. Failed
 * rotations are retried with {@link dev.breakglass.core.retry.Backoff}.
 */
@NullMarked
package dev.breakglass.core.rotation;

import org.jspecify.annotations.NullMarked;
