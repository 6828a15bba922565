package dev.breakglass.core.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FingerprinterKeyFileTest {
  @TempDir Path dir;

  @Test
  void keyFileIsCreatedOwnerOnlyAndGivesTheSameFingerprintsWhenReloaded() throws IOException {
    Path f = dir.resolve("fp.key");
    Fingerprinter a = Fingerprinter.loadOrCreate(f);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f))).isEqualTo("rw-------");
    Fingerprinter b = Fingerprinter.loadOrCreate(f);
    assertThat(b.fingerprint("203.0.113.7")).isEqualTo(a.fingerprint("203.0.113.7")).startsWith(Fingerprinter.PREFIX);
    assertThat(Fingerprinter.loadOrCreate(dir.resolve("other.key")).fingerprint("203.0.113.7"))
        .isNotEqualTo(a.fingerprint("203.0.113.7"));
  }

  @Test
  void keyFileReadableByOthersOrMalformedIsRefused() throws IOException {
    Path f = dir.resolve("fp.key");
    Fingerprinter.loadOrCreate(f);
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-rw-r--"));
    assertThatThrownBy(() -> Fingerprinter.loadOrCreate(f)).hasMessageContaining("chmod 600");
    Path bad = dir.resolve("bad.key");
    Files.writeString(bad, "hello\n");
    Files.setPosixFilePermissions(bad, PosixFilePermissions.fromString("rw-------"));
    assertThatThrownBy(() -> Fingerprinter.loadOrCreate(bad)).hasMessageContaining("not a breakglass fingerprint key");
    Files.writeString(bad, Fingerprinter.KEY_HEADER + "\nc2hvcnQ=\n");
    assertThatThrownBy(() -> Fingerprinter.loadOrCreate(bad)).hasMessageContaining("at least 32 bytes");
  }
}
