package dev.breakglass.spi;

/** Creates {@link GrantStore} instances; registered for {@link java.util.ServiceLoader}. */
public interface GrantStoreProvider extends Provider<GrantStore> {}
