package dev.breakglass.postgresql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** One worker at a time through a lease row on a real database. */
class PostgresWorkerLeaseTest {
  static PostgresWorkerLease lease(DataSource db, String instance, Duration ttl) {
    return PostgresWorkerLease.builder(db).instanceId(instance).ttl(ttl).build();
  }

  @Test
  void oneInstanceHoldsAndRenewsWhileTheOtherWaits() {
    DataSource db = TestDatabase.create(EmbeddedPostgresServer.shared(), "lease_one").dataSource();
    PostgresWorkerLease a = lease(db, "pod-a", Duration.ofSeconds(30));
    PostgresWorkerLease b = lease(db, "pod-b", Duration.ofSeconds(30));
    assertThat(a.tryHold()).isTrue();
    long token = a.token();
    assertThat(token).isPositive();
    assertThat(b.tryHold()).isFalse();
    assertThat(b.token()).isZero();
    assertThat(a.tryHold()).as("renewed by its holder").isTrue();
    assertThat(a.token()).as("a renewal keeps the token").isEqualTo(token);
    assertThat(b.tryHold()).isFalse();
  }

  @Test
  void aCleanStopHandsOverAtOnceWithANewFencingToken() {
    DataSource db = TestDatabase.create(EmbeddedPostgresServer.shared(), "lease_stop").dataSource();
    PostgresWorkerLease a = lease(db, "pod-a", Duration.ofSeconds(30));
    PostgresWorkerLease b = lease(db, "pod-b", Duration.ofSeconds(30));
    assertThat(a.tryHold()).isTrue();
    a.close();
    assertThat(b.tryHold()).isTrue();
    assertThat(b.token()).isGreaterThan(a.token());
    assertThat(a.tryHold()).as("the old holder does not get it back while the new one renews").isFalse();
  }

  @Test
  void aDeadHolderIsReplacedOnceItsLeaseExpires() {
    DataSource db = TestDatabase.create(EmbeddedPostgresServer.shared(), "lease_dead").dataSource();
    PostgresWorkerLease dead = lease(db, "pod-a", Duration.ofSeconds(1));
    PostgresWorkerLease b = lease(db, "pod-b", Duration.ofSeconds(1));
    assertThat(dead.tryHold()).isTrue();
    assertThat(b.tryHold()).isFalse();
    // pod-a stops renewing (killed): b asks at every sweep until the row has expired.
    boolean took = false;
    for (int sweep = 0; sweep < 100 && !took; sweep++) {
      LockSupport.parkNanos(100_000_000L);
      took = b.tryHold();
    }
    assertThat(took).isTrue();
    assertThat(b.token()).isGreaterThan(dead.token());
    assertThat(dead.tryHold()).as("a holder that comes back finds the lease taken").isFalse();
  }

  @Test
  void anUnreachableDatabaseReadsAsNotHolding() {
    TestDatabase db = TestDatabase.create(EmbeddedPostgresServer.shared(), "lease_down");
    PostgresWorkerLease a = lease(db.dataSource(), "pod-a", Duration.ofSeconds(30));
    assertThat(a.tryHold()).isTrue();
    db.server.superuser("DROP DATABASE " + db.name + " WITH (FORCE)");
    assertThat(a.tryHold()).as("cannot renew: another instance may hold it by now").isFalse();

    DataSource nowhere = PostgresConnection.builder().url("jdbc:postgresql://127.0.0.1:1/none").user("x")
        .connectTimeout(Duration.ofSeconds(1)).build();
    assertThatThrownBy(() -> lease(nowhere, "pod-b", Duration.ofSeconds(30)))
        .isInstanceOf(PostgresUnavailableException.class).hasMessageContaining("PostgreSQL worker lease");
  }

  @Test
  void aBuilderRefusesATtlUnderOneSecondAndABlankName() {
    DataSource db = TestDatabase.create(EmbeddedPostgresServer.shared(), "lease_args").dataSource();
    assertThatThrownBy(() -> PostgresWorkerLease.builder(db).ttl(Duration.ofMillis(500)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 1 second");
    assertThatThrownBy(() -> PostgresWorkerLease.builder(db).name(" "))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("blank");
  }
}
