/**
 * PostgreSQL for breakglass. Rotation of role passwords after break-glass use: start at {@link
 * dev.breakglass.postgresql.PostgresRoleRotator}; configuration keys are listed on {@link
 * dev.breakglass.postgresql.PostgresRoleRotatorProvider}. The audit trail kept in PostgreSQL for
 * several instances: {@link dev.breakglass.postgresql.PostgresAuditLog} (keys on {@link
 * dev.breakglass.postgresql.PostgresAuditSinkProvider}), its checkpoint witness {@link
 * dev.breakglass.postgresql.PostgresCheckpointWitness}, and {@link
 * dev.breakglass.postgresql.PostgresConnection} for a data source from settings.
 */
@NullMarked
package dev.breakglass.postgresql;

import org.jspecify.annotations.NullMarked;
