package dev.breakglass.spi;

/** Creates {@link CredentialVault} instances; registered for {@link java.util.ServiceLoader}. */
public interface CredentialVaultProvider extends Provider<CredentialVault> {}
