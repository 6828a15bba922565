package dev.breakglass.core.internal;

import dev.breakglass.spi.ProviderContext;
import dev.breakglass.spi.WorkerLease;
import dev.breakglass.spi.WorkerLeaseProvider;

/** {@code lease=local}, the default: this instance always runs the background work (one instance). */
public final class LocalWorkerLease implements WorkerLease {
  /** The provider name. */
  public static final String NAME = "local";

  @Override
  public boolean tryHold() {
    return true;
  }

  @Override
  public long token() {
    return 1;
  }

  /** The {@code local} provider. */
  public static final class Provider implements WorkerLeaseProvider {
    @Override
    public String name() {
      return NAME;
    }

    @Override
    public WorkerLease create(ProviderContext context) {
      return new LocalWorkerLease();
    }
  }
}
