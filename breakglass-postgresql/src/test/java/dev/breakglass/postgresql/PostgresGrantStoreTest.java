package dev.breakglass.postgresql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakglass.GrantStatus;
import dev.breakglass.spi.AccountState;
import dev.breakglass.spi.GrantRecord;
import dev.breakglass.spi.IncidentState;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The PostgreSQL grant store's own rules beyond the compatibility kit: schema, failures, what rows hold. */
class PostgresGrantStoreTest {
  private static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");

  static GrantRecord pending(String id) {
    return new GrantRecord(id, "alice", "db-root", "primary IdP outage", "INC-1", Duration.ofMinutes(10),
        "digest", T0, 1, List.of(), GrantStatus.PENDING_APPROVAL, null, null, null, false, 0);
  }

  @Test
  void schemaIsMigratedFromTheAuditOnlyVersionKeepingTheTrailTables() throws Exception {
    TestDatabase db = TestDatabase.create(EmbeddedPostgresServer.shared(), "state_mig");
    try (Connection c = db.dataSource().getConnection()) {
      assertThat(Migrations.migrate(c, 2)).isZero();
    }
    db.execute("INSERT INTO breakglass_witness (name, log_id, tree_size, checkpoint) VALUES ('w', 'l', 1, 'cp')");
    try (PostgresGrantStore store = PostgresGrantStore.open(db.dataSource())) {
      store.insert(pending("bg-1"));
    }
    assertThat(db.number("SELECT max(version) FROM breakglass_schema_version")).isEqualTo(Migrations.LATEST);
    assertThat(db.number("SELECT count(*) FROM breakglass_witness")).as("version 2's rows are kept").isEqualTo(1);
    assertThat(db.number("SELECT count(*) FROM breakglass_grant")).isEqualTo(1);
  }

  @Test
  void aNewerSchemaIsRefusedWithoutWriting() {
    TestDatabase db = TestDatabase.create(EmbeddedPostgresServer.shared(), "state_new");
    try (PostgresGrantStore store = PostgresGrantStore.open(db.dataSource())) {
      store.insert(pending("bg-1"));
    }
    db.execute("INSERT INTO breakglass_schema_version (version) VALUES (" + (Migrations.LATEST + 1) + ")");
    assertThatThrownBy(() -> PostgresGrantStore.open(db.dataSource())).isInstanceOf(PostgresSchemaException.class)
        .hasMessageContaining("upgrade breakglass");
    assertThat(db.number("SELECT count(*) FROM breakglass_grant")).isEqualTo(1);
  }

  @Test
  void rowsHoldReadableJsonWithoutDerivedFields() {
    TestDatabase db = TestDatabase.create(EmbeddedPostgresServer.shared(), "state_json");
    try (PostgresGrantStore store = PostgresGrantStore.open(db.dataSource())) {
      IncidentState none = store.incident();
      assertThat(store.replaceIncident(none, new IncidentState("inc-1", "carol", "IdP down", T0, 1))).isTrue();
      store.insert(pending("bg-1"));
    }
    assertThat(db.number("SELECT count(*) FROM breakglass_incident WHERE doc->>'declaredBy' = 'carol'"
        + " AND NOT doc ? 'declared'")).isEqualTo(1);
    assertThat(db.number("SELECT count(*) FROM breakglass_grant WHERE doc->>'status' = 'PENDING_APPROVAL'"
        + " AND status = 'PENDING_APPROVAL'")).isEqualTo(1);
  }

  @Test
  void twoStoresOnOneDatabaseSeeEachOthersChangesAndOnlyOneWinsACompareAndSet() {
    TestDatabase db = TestDatabase.create(EmbeddedPostgresServer.shared(), "state_two");
    try (PostgresGrantStore a = PostgresGrantStore.open(db.dataSource()); PostgresGrantStore b =
        PostgresGrantStore.open(db.dataSource())) {
      AccountState initial = a.account("db-root");
      AccountState heldByA = initial.heldBy("bg-a");
      AccountState heldByB = initial.heldBy("bg-b");
      assertThat(a.replaceAccount(initial, heldByA)).isTrue();
      assertThat(b.replaceAccount(initial, heldByB)).as("b's expected version is stale").isFalse();
      assertThat(b.account("db-root").holder()).isEqualTo("bg-a");
      b.insert(pending("bg-1"));
      assertThat(a.findByStatus(Set.of(GrantStatus.PENDING_APPROVAL))).extracting(GrantRecord::id)
          .containsExactly("bg-1");
    }
  }

  @Test
  void anUnreachableDatabaseFailsClosedNamingTheProblemWithoutThePassword() {
    TestDatabase db = TestDatabase.create(EmbeddedPostgresServer.shared(), "state_down");
    PostgresGrantStore store = PostgresGrantStore.open(db.dataSource(), 1);
    try {
      store.insert(pending("bg-1"));
      // Cut this store's connection off from the server: the next call gets a broken connection.
      db.server.superuser("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + db.name
          + "' AND pid <> pg_backend_pid()");
      assertThatThrownBy(() -> store.find("bg-1")).isInstanceOf(PostgresUnavailableException.class)
          .hasMessageContaining("PostgreSQL grant store");
      assertThat(store.find("bg-1")).as("a new connection replaces the broken one").isPresent();
    } finally {
      store.close();
    }
  }
}
