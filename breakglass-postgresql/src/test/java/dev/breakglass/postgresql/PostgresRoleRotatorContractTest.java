package dev.breakglass.postgresql;

import dev.breakglass.spi.CredentialRotator;
import dev.breakglass.spi.CredentialVault;
import dev.breakglass.tck.CredentialRotatorContract;
import dev.breakglass.tck.fixtures.InMemoryCredentialVault;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;

/** {@link PostgresRoleRotator} meets the rotator contract against a real PostgreSQL server. */
class PostgresRoleRotatorContractTest extends CredentialRotatorContract {
  private static final String ACCOUNT = "db-emergency";
  private static EmbeddedPostgresServer server;
  private static String role;

  @BeforeAll
  static void startServer() {
    server = EmbeddedPostgresServer.shared();
    role = server.createRole("contract", EmbeddedPostgresServer.randomPassword());
  }

  @Override
  protected CredentialRotator createRotator() {
    return server.rotatorBuilder().role(ACCOUNT, role).build();
  }

  @Override
  protected CredentialVault createVault() {
    char[] initial = EmbeddedPostgresServer.randomPassword();
    server.setPassword(role, initial);
    return InMemoryCredentialVault.of(Map.of(ACCOUNT, initial));
  }

  @Override
  protected String account() {
    return ACCOUNT;
  }

  @Override
  protected boolean credentialWorks(String account, char[] secret) {
    return server.canLogin(role, secret);
  }
}
