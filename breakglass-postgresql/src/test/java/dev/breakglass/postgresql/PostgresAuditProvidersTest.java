package dev.breakglass.postgresql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakglass.AuditSink;
import dev.breakglass.ProviderException;
import dev.breakglass.core.audit.AuditSigningKey;
import dev.breakglass.spi.AuditSinkProvider;
import dev.breakglass.spi.CheckpointWitness;
import dev.breakglass.spi.CheckpointWitnessProvider;
import dev.breakglass.spi.ProviderContext;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The audit sink and witness providers: connection properties, secrets never in clear text, errors naming the property. */
class PostgresAuditProvidersTest {
  @TempDir Path dir;
  TestDatabase db;
  Path keyFile;

  @BeforeEach
  void setUp() throws Exception {
    db = TestDatabase.create(EmbeddedPostgresServer.shared(), "providers");
    keyFile = dir.resolve("audit-signing.key");
    AuditSigningKey.generate().writeNew(keyFile);
  }

  Map<String, String> sinkProperties() {
    Map<String, String> p = new HashMap<>();
    p.put("url", db.url);
    p.put("user", db.user);
    p.put("password-file", db.passwordFile.toString());
    p.put("signing-key-file", keyFile.toString());
    return p;
  }

  static ProviderContext context(String prefix, Map<String, String> properties) {
    return new ProviderContext("postgresql", properties, Clock.systemUTC(), Path.of("/nonexistent-data"))
        .withKeyPrefix(prefix);
  }

  @Test
  void serviceLoaderFindsBothProvidersUnderTheirName() {
    assertThat(ServiceLoader.load(AuditSinkProvider.class).stream().map(ServiceLoader.Provider::get)
        .filter(p -> p.name().equals("postgresql"))).singleElement().isInstanceOf(PostgresAuditSinkProvider.class);
    assertThat(ServiceLoader.load(CheckpointWitnessProvider.class).stream().map(ServiceLoader.Provider::get)
        .filter(p -> p.name().equals("postgresql"))).singleElement()
        .isInstanceOf(PostgresCheckpointWitnessProvider.class);
  }

  @Test
  void sinkFromPropertiesWritesWithThePasswordFromTheFile() {
    Map<String, String> p = sinkProperties();
    p.put("instance-id", "pod-7");
    try (AuditSink sink = new PostgresAuditSinkProvider().create(context("audit.postgresql.", p))) {
      sink.append(PostgresAuditLogTest.event("1"));
    }
    assertThat(PostgresAuditLog.readAll(db.dataSource())).singleElement()
        .satisfies(d -> assertThat(d.instance()).isEqualTo("pod-7"));
  }

  @Test
  void aClearTextPasswordIsRefusedNamingTheSafeProperties() {
    Map<String, String> p = sinkProperties();
    p.remove("password-file");
    p.put("password", "hunter2");
    assertThatThrownBy(() -> new PostgresAuditSinkProvider().create(context("audit.postgresql.", p)))
        .isInstanceOf(ProviderException.class)
        .hasMessageContaining("audit.postgresql.password-env").hasMessageContaining("audit.postgresql.password-file")
        .message().doesNotContain("hunter2");
  }

  @Test
  void aUrlCarryingAPasswordIsRefused() {
    Map<String, String> p = sinkProperties();
    p.put("url", db.url + "?password=hunter2");
    assertThatThrownBy(() -> new PostgresAuditSinkProvider().create(context("audit.postgresql.", p)))
        .isInstanceOf(ProviderException.class).hasMessageContaining("audit.postgresql.url")
        .message().doesNotContain("hunter2");
  }

  @Test
  void aMissingSigningKeyIsNamed() {
    Map<String, String> p = sinkProperties();
    p.remove("signing-key-file");
    assertThatThrownBy(() -> new PostgresAuditSinkProvider().create(context("audit.postgresql.", p)))
        .isInstanceOf(ProviderException.class).hasMessageContaining("audit.postgresql.signing-key-file");
  }

  @Test
  void aMissingPasswordIsNamed() {
    Map<String, String> p = sinkProperties();
    p.remove("password-file");
    assertThatThrownBy(() -> new PostgresAuditSinkProvider().create(context("audit.postgresql.", p)))
        .isInstanceOf(ProviderException.class).hasMessageContaining("audit.postgresql.password-env");
  }

  @Test
  void witnessFromPropertiesKeepsItsRow() {
    Map<String, String> p = new HashMap<>(sinkProperties());
    p.remove("signing-key-file");
    p.put("row", "payments");
    CheckpointWitness witness = new PostgresCheckpointWitnessProvider().create(context("witness.postgresql.", p));
    try (PostgresAuditLog log = PostgresAuditLog.builder(db.dataSource())
        .signingKey(AuditSigningKey.load(keyFile)).witness(witness).build()) {
      log.append(PostgresAuditLogTest.event("1"));
      log.checkpoint();
    }
    assertThat(db.number("SELECT tree_size FROM breakglass_witness WHERE name = 'payments'")).isEqualTo(1);
  }

  @Test
  void aSinkWithoutCheckpointsRefusesWitnessesByDefault() {
    AuditSinkProvider plain = new AuditSinkProvider() {
      @Override
      public String name() {
        return "plain";
      }

      @Override
      public AuditSink create(ProviderContext context) {
        return event -> {};
      }
    };
    CheckpointWitness witness = new PostgresCheckpointWitness(db.dataSource(), "w");
    assertThatThrownBy(() -> plain.create(context("audit.plain.", Map.of()), List.of(witness)))
        .isInstanceOf(ProviderException.class).hasMessageContaining("witness");
  }
}
