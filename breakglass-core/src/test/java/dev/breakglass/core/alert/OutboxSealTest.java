package dev.breakglass.core.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Outbox lines are sealed with HMAC-SHA256 under a key derived by HKDF (RFC 5869) from the key file,
 * checked here against the JDK's HMAC; a line whose seal does not match is not opened.
 */
class OutboxSealTest {
  static final String LABEL = "breakglass alert outbox v1: line MAC";

  @TempDir Path dir;

  static byte[] hmac(byte[] key, byte[] data) throws GeneralSecurityException {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key, "HmacSHA256"));
    return mac.doFinal(data);
  }

  static String expectedLine(byte[] stored, String json) throws GeneralSecurityException {
    byte[] prk = hmac(new byte[32], stored);
    byte[] info = (LABEL + "\u0001").getBytes(StandardCharsets.US_ASCII);
    byte[] key = hmac(prk, info);
    return "m1:" + Base64.getEncoder().encodeToString(hmac(key, json.getBytes(StandardCharsets.UTF_8))) + " " + json;
  }

  Path keyFile(byte[] stored) throws Exception {
    Path f = Files.write(dir.resolve("alert-outbox.key"), stored);
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
    return f;
  }

  @Test
  void aSealedLineMatchesAnIndependentHkdfAndHmacAndOpensAgain() throws Exception {
    byte[] stored = new byte[32];
    for (int i = 0; i < 32; i++) {
      stored[i] = (byte) (3 * i + 1);
    }
    OutboxSeal seal = OutboxSeal.loadOrCreate(keyFile(stored));
    for (String json : new String[] {"{\"id\":\"a-1\"}", "", "{\"summary\":\"caf\u00e9 \u2713\"}"}) {
      String line = new String(seal.seal(json.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
      assertThat(line).isEqualTo(expectedLine(stored, json));
      assertThat(seal.open(line)).isEqualTo(json);
    }
    assertThat(seal).hasToString("OutboxSeal[HMAC-SHA256]");
  }

  @Test
  void aLineThatIsNotSealedByThisKeyIsNotOpened() throws Exception {
    OutboxSeal seal = OutboxSeal.loadOrCreate(keyFile(new byte[32]));
    String line = new String(seal.seal("{\"id\":\"a-1\"}".getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
    assertThat(seal.open(line.replace("a-1", "a-2"))).as("changed JSON").isNull();
    assertThat(seal.open("{\"id\":\"a-1\"}")).as("no seal").isNull();
    assertThat(seal.open("m2:" + line.substring(3))).as("another prefix").isNull();
    assertThat(seal.open(line.substring(0, 47))).as("cut inside the MAC").isNull();
    assertThat(seal.open(line.substring(0, 47) + "X" + line.substring(48))).as("no space after the MAC").isNull();
    assertThat(seal.open("m1:" + "*".repeat(44) + " {}")).as("MAC not base64").isNull();
    OutboxSeal other = OutboxSeal.loadOrCreate(dir.resolve("other.key"));
    assertThat(other.open(line)).as("sealed with another key").isNull();
  }

  @Test
  void aNewKeyFileIsRandomOwnerOnlyAndUsedOnTheNextLoad() throws Exception {
    Path a = dir.resolve("keys").resolve("a.key");
    Path b = dir.resolve("keys").resolve("b.key");
    OutboxSeal first = OutboxSeal.loadOrCreate(a);
    OutboxSeal.loadOrCreate(b);
    assertThat(Files.readAllBytes(a)).hasSize(32).isNotEqualTo(Files.readAllBytes(b)).isNotEqualTo(new byte[32]);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(a))).isEqualTo("rw-------");
    byte[] line = first.seal("{}".getBytes(StandardCharsets.UTF_8));
    assertThat(OutboxSeal.loadOrCreate(a).open(new String(line, StandardCharsets.UTF_8))).isEqualTo("{}");
  }

  @Test
  void aKeyFileOthersMayReadOrOfTheWrongSizeIsRefused() throws Exception {
    Path open = keyFile(new byte[32]);
    Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rw-r--r--"));
    assertThatThrownBy(() -> OutboxSeal.loadOrCreate(open)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("alert outbox key");
    Path shortKey = keyFile(new byte[31]);
    assertThatThrownBy(() -> OutboxSeal.loadOrCreate(shortKey)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("the alert outbox key file " + shortKey + " must hold 32 bytes, holds 31; restore it from backup,"
            + " or move it and the outbox directory aside");
  }
}
