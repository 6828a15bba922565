package dev.breakglass.spi;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** A real X.509 certificate in PEM form for trust-store tests. */
final class TestCertificates {
  private TestCertificates() {}

  static Path selfSignedPem(Path target) throws IOException {
    try (InputStream in = TestCertificates.class.getResourceAsStream("/test-cert.pem")) {
      Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
    }
    return target;
  }
}
