package dev.breakglass.core.internal;

import dev.breakglass.spi.GrantStore;
import dev.breakglass.tck.GrantStoreContract;

class InMemoryGrantStoreTest extends GrantStoreContract {
  @Override
  protected GrantStore createStore() {
    return new InMemoryGrantStore();
  }
}
