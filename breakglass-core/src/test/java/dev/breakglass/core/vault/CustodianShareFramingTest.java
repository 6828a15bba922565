package dev.breakglass.core.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

/**
 * The limits of a custodian share and the framing of its binary payload, including payloads that
 * carry a valid checksum but inconsistent lengths (as a buggy or hostile printer could produce).
 */
class CustodianShareFramingTest {
  private static final UUID VAULT = UUID.fromString("5b0c6e0e-4a5e-4b8e-9a57-0c1f3f1b2f61");

  /** version, vault id, threshold, index, count, name length, name, value length, value, CRC-32C. */
  private static char[] printed(int threshold, int index, int count, int nameLength, byte[] name, int valueLength,
      byte[] value) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteBuffer head = ByteBuffer.allocate(17).put((byte) 1).putLong(VAULT.getMostSignificantBits())
        .putLong(VAULT.getLeastSignificantBits());
    out.writeBytes(head.array());
    out.write(threshold);
    out.write(index);
    out.write(count);
    out.write(nameLength);
    out.writeBytes(name);
    out.write(valueLength);
    out.writeBytes(value);
    return withCrc(out.toByteArray());
  }

  private static char[] withCrc(byte[] body) {
    CRC32C crc = new CRC32C();
    crc.update(body);
    byte[] payload = ByteBuffer.allocate(body.length + 4).put(body).putInt((int) crc.getValue()).array();
    return ShareText.write("", payload);
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void indexesThresholdsAndCounts_upTo255_areAccepted() {
    try (CustodianShare last = new CustodianShare(VAULT, "carol", 255, 255, 255, new byte[32]);
        CustodianShare first = new CustodianShare(VAULT, "carol", 1, 1, 1, new byte[32])) {
      assertThat(last.index()).isEqualTo(255);
      assertThat(last.threshold()).isEqualTo(255);
      assertThat(last.shareCount()).isEqualTo(255);
      assertThat(first.index()).isEqualTo(1);
    }
  }

  @Test
  void indexesThresholdsAndCounts_outsideTheirRange_areRefused() {
    int[][] bad = {{0, 2, 3}, {256, 2, 255}, {1, 0, 3}, {1, 3, 2}, {1, 2, 256}, {4, 2, 3}};
    for (int[] b : bad) {
      assertThatThrownBy(() -> new CustodianShare(VAULT, "carol", b[0], b[1], b[2], new byte[32]))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("share index " + b[0] + " of " + b[2] + " with threshold " + b[1] + " is out of range");
    }
  }

  @Test
  void aCustodianNameOfExactly64Bytes_isAccepted() {
    String name = "é".repeat(32);
    assertThat(utf8(name)).hasSize(64);

    assertThat(CustodianShare.requireCustodianName(name)).isEqualTo(name);
  }

  @Test
  void isWiped_onlyAfterClose() {
    CustodianShare share = new CustodianShare(VAULT, "carol", 1, 2, 3, new byte[32]);
    assertThat(share.isWiped()).isFalse();

    share.close();

    assertThat(share.isWiped()).isTrue();
  }

  @Test
  void aNameThatFillsThePayloadExactly_isRead() {
    try (CustodianShare share = CustodianShare.parse(printed(2, 1, 3, 5, utf8("carol"), 0, new byte[0]))) {
      assertThat(share.custodian()).isEqualTo("carol");
      assertThat(share.value()).isEmpty();
    }
  }

  @Test
  void aNameLengthOneBeyondThePayload_isMalformed() {
    assertThatThrownBy(() -> CustodianShare.parse(printed(2, 1, 3, 6, utf8("carol"), 0, new byte[0])))
        .isInstanceOf(ShareFormatException.class)
        .hasMessage("the share is malformed (custodian name length)");
  }

  @Test
  void theShortestPayload_isCheckedField_byField() {
    assertThatThrownBy(() -> CustodianShare.parse(printed(2, 1, 3, 0, new byte[0], 0, new byte[0])))
        .isInstanceOf(ShareFormatException.class)
        .hasMessageStartingWith("the share is malformed: custodian name '' must be non-blank");
    byte[] tooShort = new byte[21];
    tooShort[0] = 1;
    assertThatThrownBy(() -> CustodianShare.parse(withCrc(tooShort)))
        .isInstanceOf(ShareFormatException.class)
        .hasMessage("the share is too short (groups are missing)");
  }

  @Test
  void aPayloadWithAnImpossibleIndex_isMalformed() {
    assertThatThrownBy(() -> CustodianShare.parse(printed(2, 0, 3, 5, utf8("carol"), 32, new byte[32])))
        .isInstanceOf(ShareFormatException.class)
        .hasMessage("the share is malformed: share index 0 of 3 with threshold 2 is out of range");
  }

  @Test
  void theTitleIsRecognisedByItsFirstWord_andHeaderLinesWithUnknownKeysAreIgnored() {
    String body = new String(printed(2, 1, 3, 5, utf8("carol"), 32, new byte[32]));

    try (CustodianShare share = CustodianShare.parse((": typed from paper\nbreakglass\nnote: kept in safe 2\n"
        + body).toCharArray())) {
      assertThat(share.custodian()).isEqualTo("carol");
      assertThat(share.index()).isEqualTo(1);
    }
  }
}
