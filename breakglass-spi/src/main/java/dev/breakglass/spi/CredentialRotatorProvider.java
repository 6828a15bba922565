package dev.breakglass.spi;

/** Creates {@link CredentialRotator} instances; registered for {@link java.util.ServiceLoader}. */
public interface CredentialRotatorProvider extends Provider<CredentialRotator> {}
