package dev.breakglass.postgresql;

import dev.breakglass.spi.GrantStore;
import dev.breakglass.tck.GrantStoreContract;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import javax.sql.DataSource;

/**
 * The grant-store compatibility kit against a real PostgreSQL database, a fresh one per test, with
 * the durability rules: close and reopen keeps everything, and a child JVM killed with SIGKILL while
 * writing loses nothing it was told was done.
 */
class PostgresGrantStoreContractTest extends GrantStoreContract {
  private TestDatabase db;

  @Override
  protected GrantStore createStore() {
    db = TestDatabase.create(EmbeddedPostgresServer.shared(), "tck_state");
    return PostgresGrantStore.open(db.dataSource(), 4);
  }

  @Override
  protected GrantStore reopenStore() {
    return PostgresGrantStore.open(db.dataSource(), 4);
  }

  @Override
  protected ChildProcessStore childProcessStore() {
    return new ChildProcessStore(Opener.class, db.url + "\n" + db.user + "\n" + db.passwordFile);
  }

  /** Opens the store in the SIGKILL rule's child JVM: URL, user and password file, one per line. */
  public static final class Opener implements StoreOpener {
    @Override
    public GrantStore open(String location) {
      String[] parts = location.split("\n");
      Path passwordFile = Path.of(parts[2]);
      DataSource ds = PostgresConnection.builder().url(parts[0]).user(parts[1]).password(() -> {
        try {
          return Files.readString(passwordFile, StandardCharsets.UTF_8).strip().toCharArray();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }).connectTimeout(Duration.ofSeconds(5)).socketTimeout(Duration.ofSeconds(10)).build();
      return PostgresGrantStore.open(ds, 4);
    }
  }
}
