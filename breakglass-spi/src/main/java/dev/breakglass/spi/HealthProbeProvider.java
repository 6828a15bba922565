package dev.breakglass.spi;

/** Creates {@link HealthProbe} instances; registered for {@link java.util.ServiceLoader}. */
public interface HealthProbeProvider extends Provider<HealthProbe> {}
