package dev.breakglass.spi;

/**
 * Creates {@link WorkerLease} instances; registered for {@link java.util.ServiceLoader} and selected
 * with the {@code lease} property ({@code lease=postgresql}, settings under {@code lease.<name>.}).
 */
public interface WorkerLeaseProvider extends Provider<WorkerLease> {}
