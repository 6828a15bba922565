package dev.breakglass.postgresql;

/**
 * The database's breakglass schema cannot be used by this release: it was written by a newer one
 * (a higher schema version than this module knows). Nothing was written. Upgrade breakglass on this
 * instance; never run an older release against a newer schema.
 */
public final class PostgresSchemaException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  PostgresSchemaException(String message) {
    super(message);
  }
}
