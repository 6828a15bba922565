package dev.breakglass.spi;

/** Creates {@link AlertChannel} instances; registered for {@link java.util.ServiceLoader}. */
public interface AlertChannelProvider extends Provider<AlertChannel> {}
