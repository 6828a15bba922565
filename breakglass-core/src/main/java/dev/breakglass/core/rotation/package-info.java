/**
 * Credential rotation and short-lived credentials for the embedded defaults: {@link
 * dev.breakglass.core.rotation.VaultOnlyRotator} for accounts local to the host application,
 * {@link dev.breakglass.core.rotation.EphemeralCredentials} for credentials that exist only for one
 * grant, {@link dev.breakglass.core.rotation.SecretGenerator} for fresh random secrets and {@link
 * dev.breakglass.core.rotation.Backoff} for retrying failed rotations.
 */
@NullMarked
package dev.breakglass.core.rotation;

import org.jspecify.annotations.NullMarked;
