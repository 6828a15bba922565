/**
 * The compatibility kit: abstract JUnit 5 contracts for {@code AuditSink} and every SPI. Extend the
 * contract for your interface, supply the factory method, and run it with your tests.
 */
module dev.breakglass.tck {
  requires transitive dev.breakglass.spi;
  requires transitive org.junit.jupiter.api;
  requires transitive org.assertj.core;

  exports dev.breakglass.tck;
  exports dev.breakglass.tck.fixtures;

  opens dev.breakglass.tck to org.junit.platform.commons;
}
