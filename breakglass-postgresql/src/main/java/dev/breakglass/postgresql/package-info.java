/**
 * Rotation of PostgreSQL role passwords after break-glass use. Start at {@link
 * dev.breakglass.postgresql.PostgresRoleRotator}; configuration keys are listed on {@link
 * dev.breakglass.postgresql.PostgresRoleRotatorProvider}.
 */
@NullMarked
package dev.breakglass.postgresql;

import org.jspecify.annotations.NullMarked;
