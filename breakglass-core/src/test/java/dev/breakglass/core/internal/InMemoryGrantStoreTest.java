package dev.breakglass.core.internal;

import dev.breakglass.spi.GrantStore;
import dev.breakglass.tck.GrantStoreContract;

class InMemoryGrantStoreTest extends GrantStoreContract {
  @Override
  protected GrantStore createStore() {
    return new InMemoryGrantStore();
  }

  /** Keeps nothing across a close, by design: the durability rules do not apply. */
  @Override
  protected GrantStore reopenStore() {
    return null;
  }

  /** Nothing survives the process either. */
  @Override
  protected ChildProcessStore childProcessStore() {
    return null;
  }
}
