package dev.breakglass.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.breakglass.Credential;
import dev.breakglass.VaultException;
import dev.breakglass.spi.CredentialVault;
import dev.breakglass.spi.SealedCredentialVault;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The contract of a {@link SealedCredentialVault}: everything in {@link CredentialVaultContract}
 * (its reads go through custodian shares), plus the custodian rules: no read without
 * {@code threshold()} valid shares, any {@code threshold()} of them work, and a share from another
 * vault, under another custodian's name or altered in transit is an error, never a wrong secret.
 *
 * <p>Supply {@link #newSealedVault()}, {@link #shares(SealedCredentialVault)} and
 * {@link #sharesOfAnotherVault(SealedCredentialVault)}, plus {@link #reopen} from the parent
 * contract:
 *
 * <pre>{@code
 * class MySealedVaultTest extends SealedCredentialVaultContract {
 *   @TempDir Path dir;
 *   private final Map<SealedCredentialVault, Map<String, char[]>> issued = new HashMap<>();
 *
 *   @Override protected SealedCredentialVault newSealedVault() {
 *     MySealedVault.Created created = MySealedVault.create(dir.resolve(UUID.randomUUID() + ".vault"),
 *         2, Set.of("carol", "dave", "erin"));        // threshold 2 of 3 custodians
 *     issued.put(created.vault(), created.shares());
 *     return created.vault();
 *   }
 *   @Override protected Map<String, char[]> shares(SealedCredentialVault vault) { ... copies of issued.get(vault) ... }
 *   @Override protected Map<String, char[]> sharesOfAnotherVault(SealedCredentialVault vault) { ... }
 *   @Override protected CredentialVault reopen(CredentialVault vault) { ... }
 * }
 * }</pre>
 */
public abstract class SealedCredentialVaultContract extends CredentialVaultContract {

  /**
   * A new, empty sealed vault with at least three custodians and a threshold of at least two.
   *
   * @return the vault under test
   * @throws Exception if the vault cannot be created; the test fails
   */
  protected abstract SealedCredentialVault newSealedVault() throws Exception;

  /**
   * Every custodian's encoded share of {@code vault}, keyed by custodian. Fresh arrays each call.
   *
   * @param vault a vault made by {@link #newSealedVault()}
   * @return custodian name to encoded share, for all of the vault's custodians
   */
  protected abstract Map<String, char[]> shares(SealedCredentialVault vault);

  /**
   * Valid shares of a different vault with the same custodian names as {@code vault}.
   *
   * @param vault a vault made by {@link #newSealedVault()}
   * @return custodian name to an encoded share of another vault
   * @throws Exception if the other vault cannot be created; the test fails
   */
  protected abstract Map<String, char[]> sharesOfAnotherVault(SealedCredentialVault vault) throws Exception;

  @Override
  protected final CredentialVault newVault() throws Exception {
    return newSealedVault();
  }

  /** Reads with the first {@code threshold()} custodians' shares. */
  @Override
  protected Credential read(CredentialVault vault, String account) {
    SealedCredentialVault sealed = (SealedCredentialVault) vault;
    Map<String, char[]> use = firstShares(sealed, sealed.threshold());
    try {
      return sealed.read(account, use);
    } finally {
      use.values().forEach(a -> Arrays.fill(a, '\0'));
    }
  }

  private Map<String, char[]> firstShares(SealedCredentialVault vault, int n) {
    Map<String, char[]> all = shares(vault);
    Map<String, char[]> use = new LinkedHashMap<>();
    for (Map.Entry<String, char[]> e : all.entrySet()) {
      if (use.size() < n) {
        use.put(e.getKey(), e.getValue());
      } else {
        Arrays.fill(e.getValue(), '\0');
      }
    }
    return use;
  }

  private SealedCredentialVault sealedWithCanary() throws Exception {
    SealedCredentialVault vault = (SealedCredentialVault) open();
    assertThat(vault.threshold()).as("threshold").isGreaterThanOrEqualTo(2);
    assertThat(vault.custodians()).as("custodians").hasSizeGreaterThan(vault.threshold() - 1).hasSizeGreaterThanOrEqualTo(3);
    vault.write("sealed-account", CANARY.toCharArray());
    return vault;
  }

  @Nested
  @DisplayName("custodians")
  class Custodians {
    @Test
    void readingWithoutSharesFailsAndSaysHowManyAreNeeded() throws Exception {
      SealedCredentialVault vault = sealedWithCanary();
      Throwable e = catchThrowable(() -> vault.read("sealed-account"));
      assertThat(e).isInstanceOf(VaultException.class).hasMessageContaining(String.valueOf(vault.threshold()));
      assertThat(fullTrace(e)).doesNotContain(CANARY);
    }

    @Test
    void readingWithFewerThanThresholdSharesFails() throws Exception {
      SealedCredentialVault vault = sealedWithCanary();
      Map<String, char[]> tooFew = firstShares(vault, vault.threshold() - 1);
      assertThatThrownBy(() -> vault.read("sealed-account", tooFew)).isInstanceOf(VaultException.class);
      assertThatThrownBy(() -> vault.read("sealed-account", Map.of())).isInstanceOf(VaultException.class);
    }

    @Test
    void anyThresholdSizedSubsetOfCustodiansReads() throws Exception {
      SealedCredentialVault vault = sealedWithCanary();
      List<String> names = new ArrayList<>(shares(vault).keySet());
      for (List<String> subset : subsets(names, vault.threshold())) {
        Map<String, char[]> all = shares(vault);
        Map<String, char[]> use = new LinkedHashMap<>();
        subset.forEach(n -> use.put(n, all.get(n)));
        try (Credential c = vault.read("sealed-account", use)) {
          assertThat(new String(c.secret())).as("custodians %s", subset).isEqualTo(CANARY);
        }
      }
    }

    @Test
    void allSharesTogetherAlsoRead() throws Exception {
      SealedCredentialVault vault = sealedWithCanary();
      try (Credential c = vault.read("sealed-account", shares(vault))) {
        assertThat(new String(c.secret())).isEqualTo(CANARY);
      }
    }

    @Test
    void aShareFromAnotherVaultIsRejected() throws Exception {
      SealedCredentialVault vault = sealedWithCanary();
      Map<String, char[]> mine = firstShares(vault, vault.threshold());
      Map<String, char[]> theirs = sharesOfAnotherVault(vault);
      String swapped = mine.keySet().iterator().next();
      mine.put(swapped, theirs.get(swapped));
      Throwable e = catchThrowable(() -> vault.read("sealed-account", mine));
      assertThat(e).isInstanceOf(VaultException.class);
      assertThat(fullTrace(e)).doesNotContain(CANARY);
    }

    @Test
    void aSharePresentedUnderAnotherCustodiansNameIsRejected() throws Exception {
      SealedCredentialVault vault = sealedWithCanary();
      Map<String, char[]> all = shares(vault);
      List<String> names = new ArrayList<>(all.keySet());
      Map<String, char[]> crossed = new LinkedHashMap<>();
      crossed.put(names.get(0), all.get(names.get(1)));
      crossed.put(names.get(1), all.get(names.get(0)));
      for (int i = 2; i < vault.threshold(); i++) {
        crossed.put(names.get(i), all.get(names.get(i)));
      }
      assertThatThrownBy(() -> vault.read("sealed-account", crossed)).isInstanceOf(VaultException.class);
    }

    @Test
    void anAlteredShareNeverYieldsAWrongSecret() throws Exception {
      SealedCredentialVault vault = sealedWithCanary();
      Map<String, char[]> use = firstShares(vault, vault.threshold());
      char[] victim = use.values().iterator().next();
      int alteredPositions = 0;
      for (int i = victim.length - 1; i >= 0 && alteredPositions < 8; i--) {
        char original = victim[i];
        if (!Character.isLetterOrDigit(original)) {
          continue;
        }
        victim[i] = original == 'Q' ? 'R' : 'Q';
        alteredPositions++;
        Throwable e = catchThrowable(() -> {
          try (Credential c = vault.read("sealed-account", use)) {
            assertThat(new String(c.secret())).as("a read that succeeds must return the true secret").isEqualTo(CANARY);
          }
        });
        if (e != null) {
          assertThat(e).isInstanceOf(VaultException.class);
          assertThat(fullTrace(e)).doesNotContain(CANARY);
        }
        victim[i] = original;
      }
      assertThat(alteredPositions).as("share has letters or digits to alter").isPositive();
    }

    @Test
    void readLeavesTheCallersShareArraysUntouched() throws Exception {
      SealedCredentialVault vault = sealedWithCanary();
      Map<String, char[]> use = firstShares(vault, vault.threshold());
      Map<String, char[]> copies = new LinkedHashMap<>();
      use.forEach((k, v) -> copies.put(k, v.clone()));
      vault.read("sealed-account", use).close();
      use.forEach((k, v) -> assertThat(v).as("share of %s", k).isEqualTo(copies.get(k)));
    }

    @Test
    void writingNeedsNoShares() throws Exception {
      SealedCredentialVault vault = sealedWithCanary();
      vault.write("sealed-account", "rotated".toCharArray());
      assertThat(readString(vault, "sealed-account")).isEqualTo("rotated");
    }
  }

  private static List<List<String>> subsets(List<String> names, int k) {
    List<List<String>> out = new ArrayList<>();
    collect(names, k, 0, new ArrayList<>(), out);
    return out;
  }

  private static void collect(List<String> names, int k, int from, List<String> current, List<List<String>> out) {
    if (current.size() == k) {
      out.add(List.copyOf(current));
      return;
    }
    for (int i = from; i < names.size(); i++) {
      current.add(names.get(i));
      collect(names, k, i + 1, current, out);
      current.remove(current.size() - 1);
    }
  }
}
