package dev.breakglass.spi;

/**
 * Creates {@link CheckpointWitness} instances; registered for {@link java.util.ServiceLoader} (in
 * {@code META-INF/services/dev.breakglass.spi.CheckpointWitnessProvider} and with {@code provides}
 * in {@code module-info.java}).
 *
 * <p>The engine creates the witnesses named, comma-separated, by the property {@code witness}; a
 * provider's own settings sit under {@code witness.<name>.} and reach it through the
 * {@link ProviderContext} without that prefix:
 *
 * <pre>
 * witness = directory
 * witness.directory.path = /mnt/audit-witness/myapp
 * </pre>
 *
 * <p>A provider should refuse (with {@link ProviderContext#problem}) a location inside
 * {@link ProviderContext#dataDirectory()}: a witness there protects nothing.
 */
public interface CheckpointWitnessProvider extends Provider<CheckpointWitness> {}
