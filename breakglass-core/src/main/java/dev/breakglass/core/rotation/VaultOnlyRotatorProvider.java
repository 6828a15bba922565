package dev.breakglass.core.rotation;

import dev.breakglass.spi.CredentialRotator;
import dev.breakglass.spi.CredentialRotatorProvider;
import dev.breakglass.spi.ProviderContext;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Creates a {@link VaultOnlyRotator} from configuration. Provider name {@value VaultOnlyRotator#NAME}.
 *
 * <table>
 *   <caption>Properties</caption>
 *   <tr><th>key</th><th>meaning</th><th>default</th></tr>
 *   <tr><td>{@code accounts}</td><td>comma-separated accounts to rotate, or {@code *} for every
 *       account the vault holds</td><td>required</td></tr>
 *   <tr><td>{@code length}</td><td>characters per generated secret</td><td>{@value
 *       SecretGenerator#DEFAULT_LENGTH}</td></tr>
 *   <tr><td>{@code alphabet}</td><td>characters secrets are drawn from</td><td>letters and digits</td></tr>
 * </table>
 *
 * <p>Length and alphabet together must give at least {@value SecretGenerator#MIN_ENTROPY_BITS}
 * bits of entropy.
 */
public final class VaultOnlyRotatorProvider implements CredentialRotatorProvider {
  /** Used by {@link java.util.ServiceLoader}. */
  public VaultOnlyRotatorProvider() {}

  @Override
  public String name() {
    return VaultOnlyRotator.NAME;
  }

  @Override
  public CredentialRotator create(ProviderContext context) {
    String accountList = context.require("accounts");
    int length = context.integer("length", SecretGenerator.DEFAULT_LENGTH);
    String alphabet = context.get("alphabet").orElse(SecretGenerator.ALPHANUMERIC);
    SecretGenerator generator;
    try {
      generator = SecretGenerator.of(alphabet, length);
    } catch (IllegalArgumentException e) {
      throw context.problem(context.get("alphabet").isPresent() ? "alphabet" : "length", e.getMessage(), e);
    }
    if (accountList.equals("*")) {
      return VaultOnlyRotator.forAnyAccount(generator);
    }
    Set<String> accounts = new LinkedHashSet<>();
    for (String account : Arrays.asList(accountList.split(","))) {
      String trimmed = account.strip();
      if (trimmed.isEmpty()) {
        throw context.problem("accounts", "has an empty entry in '" + accountList + "'");
      }
      accounts.add(trimmed);
    }
    return VaultOnlyRotator.forAccounts(accounts, generator);
  }
}
