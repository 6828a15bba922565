package dev.breakglass.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakglass.ProviderException;
import dev.breakglass.spi.GrantStore;
import dev.breakglass.spi.GrantStoreProvider;
import dev.breakglass.spi.ProviderContext;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.ServiceConfigurationError;
import org.junit.jupiter.api.Test;

class ProviderRegistryTest {
  final ProviderContext ctx = new ProviderContext("x", Map.of(), Clock.systemUTC(), Path.of("."));

  /** Behaves like ServiceLoader's iterator over a list where one provider class cannot be instantiated. */
  static Iterable<GrantStoreProvider> withBrokenOne(List<GrantStoreProvider> good) {
    return () -> new Iterator<>() {
      int i;
      boolean brokenThrown;

      @Override
      public boolean hasNext() {
        return i < good.size() || !brokenThrown;
      }

      @Override
      public GrantStoreProvider next() {
        if (!brokenThrown && i == 1) {
          brokenThrown = true;
          throw new ServiceConfigurationError(
              "dev.breakglass.spi.GrantStoreProvider: Provider com.example.Broken could not be instantiated");
        }
        if (i >= good.size()) {
          throw new NoSuchElementException();
        }
        return good.get(i++);
      }
    };
  }

  static GrantStoreProvider named(String name) {
    return new GrantStoreProvider() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public GrantStore create(ProviderContext context) {
        if (name.equals("explodes")) {
          throw new IllegalStateException("cannot reach database at db:5432");
        }
        return new InMemoryGrantStore();
      }
    };
  }

  @Test
  void brokenProviderDoesNotTakeTheOthersDown() {
    ProviderRegistry<GrantStoreProvider> r =
        ProviderRegistry.of("grant store", withBrokenOne(List.of(named("memory"), named("other"))));
    assertThat(r.names()).containsExactly("memory", "other");
    assertThat(r.broken()).singleElement().asString().contains("com.example.Broken");
    assertThat((Object) r.create("other", ctx)).isInstanceOf(InMemoryGrantStore.class);
  }

  @Test
  void unknownNameListsWhatIsAvailableAndWhatIsBroken() {
    ProviderRegistry<GrantStoreProvider> r =
        ProviderRegistry.of("grant store", withBrokenOne(List.of(named("memory"), named("other"))));
    assertThatThrownBy(() -> r.create("postgresql", ctx))
        .isInstanceOf(ProviderException.class)
        .hasMessageContaining("no grant store provider named 'postgresql'")
        .hasMessageContaining("[memory, other]")
        .hasMessageContaining("com.example.Broken");
  }

  @Test
  void failingCreateIsReportedWithTheProviderName() {
    ProviderRegistry<GrantStoreProvider> r = ProviderRegistry.of("grant store", List.of(named("explodes")));
    assertThatThrownBy(() -> r.create("explodes", ctx))
        .isInstanceOf(ProviderException.class)
        .hasMessageContaining("grant store provider 'explodes' failed to start: cannot reach database")
        .satisfies(e -> assertThat(((ProviderException) e).provider()).isEqualTo("explodes"));
  }

  @Test
  void serviceLoaderFindsTheBuiltInMemoryStore() {
    ProviderRegistry<GrantStoreProvider> r = ProviderRegistry.load("grant store", GrantStoreProvider.class);
    assertThat(r.names()).contains(InMemoryGrantStore.NAME);
  }
}
