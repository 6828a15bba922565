package dev.breakglass.core.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fingerprints match an independent computation with the JDK's HMAC (HKDF-SHA256 per RFC 5869 under
 * each purpose's label, then HMAC-SHA256 of the value), and a review key matches only review values.
 */
class FingerprinterTest {
  static final String REVIEW = "breakglass fingerprint v1: review (tickets, identification, clients)";
  static final String CREDENTIAL = "breakglass fingerprint v1: released credentials";

  @TempDir Path dir;

  static byte[] hmac(byte[] key, byte[] data) throws GeneralSecurityException {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key, "HmacSHA256"));
    return mac.doFinal(data);
  }

  /** RFC 5869 with an empty salt (a hash-length run of zeros) and one block of output. */
  static byte[] hkdf(byte[] ikm, String info) throws GeneralSecurityException {
    byte[] prk = hmac(new byte[32], ikm);
    byte[] infoBytes = info.getBytes(StandardCharsets.US_ASCII);
    byte[] block = new byte[infoBytes.length + 1];
    System.arraycopy(infoBytes, 0, block, 0, infoBytes.length);
    block[infoBytes.length] = 1;
    return hmac(prk, block);
  }

  static String expected(byte[] stored, String label, String value) throws GeneralSecurityException {
    byte[] mac = hmac(hkdf(stored, label), value.getBytes(StandardCharsets.UTF_8));
    return "hmac-sha256:" + HexFormat.of().formatHex(mac, 0, 16);
  }

  static byte[] storedKey() {
    byte[] k = new byte[32];
    for (int i = 0; i < k.length; i++) {
      k[i] = (byte) (i * 7 + 1);
    }
    return k;
  }

  @Test
  void fingerprintsMatchAnIndependentHkdfAndHmac() throws Exception {
    Fingerprinter f = new Fingerprinter(storedKey());
    for (String v : new String[] {"INC-1042", "203.0.113.7", "", "badge ✓ 12"}) {
      assertThat(f.fingerprint(v)).as(v).isEqualTo(expected(storedKey(), REVIEW, v));
      assertThat(f.fingerprint(v.toCharArray())).as(v).isEqualTo(expected(storedKey(), REVIEW, v));
      assertThat(f.fingerprint(v.getBytes(StandardCharsets.UTF_8))).isEqualTo(expected(storedKey(), REVIEW, v));
      assertThat(f.credentialFingerprint(v.toCharArray())).as(v).isEqualTo(expected(storedKey(), CREDENTIAL, v));
    }
    assertThat(f.fingerprint("a")).isNotEqualTo(f.fingerprint("b")).hasSize(12 + 32);
    assertThat(f.credentialFingerprint("a".toCharArray())).isNotEqualTo(f.fingerprint("a"));
  }

  @Test
  void aKeyShorterThan32BytesIsRefusedAndALongerOneIsUsedWhole() throws Exception {
    assertThatThrownBy(() -> new Fingerprinter(new byte[31]))
        .hasMessage("fingerprint key must be at least 32 bytes, was 31");
    byte[] longer = new byte[48];
    longer[47] = 5;
    assertThat(new Fingerprinter(longer).fingerprint("x")).isEqualTo(expected(longer, REVIEW, "x"))
        .isNotEqualTo(new Fingerprinter(new byte[48]).fingerprint("x"));
  }

  @Test
  void aStoredKeyFileIsReadWithWhitespaceAroundIt() throws Exception {
    Path file = dir.resolve("fp.key");
    Files.writeString(file, "  " + Fingerprinter.KEY_HEADER + " \n" + Base64.getEncoder().encodeToString(storedKey())
        + "\n\n  \t");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    Fingerprinter f = Fingerprinter.load(file);
    assertThat(f.canFingerprintCredentials()).isTrue();
    assertThat(f.purpose()).startsWith("all purposes (stored key)");
    assertThat(f.fingerprint("INC-1")).isEqualTo(expected(storedKey(), REVIEW, "INC-1"));
    assertThat(Fingerprinter.loadOrCreate(file).credentialFingerprint("pw".toCharArray()))
        .isEqualTo(expected(storedKey(), CREDENTIAL, "pw"));
  }

  @Test
  void aReviewKeyMatchesReviewValuesButNotCredentials() throws Exception {
    Fingerprinter full = new Fingerprinter(storedKey());
    Path file = dir.resolve("keys").resolve("review.key");
    full.writeReviewKey(file);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    assertThat(Files.readString(file)).startsWith(Fingerprinter.REVIEW_KEY_HEADER + "\n");
    try (var left = Files.list(file.getParent())) {
      assertThat(left).as("no temporary file is left").containsExactly(file);
    }
    Fingerprinter review = Fingerprinter.load(file);
    assertThat(review.canFingerprintCredentials()).isFalse();
    assertThat(review.purpose()).startsWith("review: tickets, identification and client addresses");
    assertThat(review.fingerprint("INC-1")).isEqualTo(full.fingerprint("INC-1"));
    assertThat(review.fingerprint("INC-1".toCharArray())).isEqualTo(full.fingerprint("INC-1"));
    assertThatThrownBy(() -> review.credentialFingerprint("pw".toCharArray()))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("not credentials");
    assertThatThrownBy(() -> full.writeReviewKey(file)).isInstanceOf(UncheckedIOException.class)
        .hasMessage("cannot write review key " + file);
  }

  @Test
  void aReviewKeyFileOfTheWrongLengthOrNotBase64IsRefused() throws IOException {
    Path file = dir.resolve("review.key");
    Files.writeString(file, Fingerprinter.REVIEW_KEY_HEADER + "\n" + Base64.getEncoder().encodeToString(new byte[31]));
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    assertThatThrownBy(() -> Fingerprinter.load(file)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage(file + ": a review key must be 32 bytes, was 31");
    Files.writeString(file, Fingerprinter.KEY_HEADER + "\n***\n");
    assertThatThrownBy(() -> Fingerprinter.load(file)).hasMessage(file + ": fingerprint key is not valid base64");
    Files.writeString(file, Fingerprinter.KEY_HEADER);
    assertThatThrownBy(() -> Fingerprinter.load(file))
        .hasMessage(file + ": not a breakglass fingerprint key (expected first line '" + Fingerprinter.KEY_HEADER + "')");
    Files.delete(file);
    assertThatThrownBy(() -> Fingerprinter.load(file)).isInstanceOf(UncheckedIOException.class);
  }

  @Test
  void aNewKeyFileIsWrittenWithoutLeftoversAndItsTextHidesTheKey() throws IOException {
    Path file = dir.resolve("nested").resolve("fp.key");
    Fingerprinter made = Fingerprinter.loadOrCreate(file);
    try (var left = Files.list(file.getParent())) {
      assertThat(left).containsExactly(file);
    }
    assertThat(Files.readString(file)).startsWith(Fingerprinter.KEY_HEADER + "\n");
    assertThat(made.canFingerprintCredentials()).isTrue();
    assertThat(made).hasToString("Fingerprinter[key=<redacted>]");
    String encoded = Files.readString(file).split("\n")[1];
    assertThat(made.toString()).doesNotContain(encoded);
  }
}
