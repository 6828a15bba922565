/**
 * Health probes that ship with core: {@link dev.breakglass.core.health.OidcDiscoveryProbe} (an OpenID
 * Connect provider's discovery document and signing keys) and
 * {@link dev.breakglass.core.health.HttpStatusProbe} (any URL answering 2xx), with their providers
 * {@code oidc} and {@code http} for configuration by name.
 */
@NullMarked
package dev.breakglass.core.health;

import org.jspecify.annotations.NullMarked;
