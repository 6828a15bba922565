package dev.breakglass.core.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The fast record-head reader reads exactly the times {@link Instant#toString()} writes, with the
 * value {@link Instant#parse} gives, and names what is wrong with a head that is not canonical.
 */
class RecordHeadTest {
  static final String BAD_TIME = "record time is not an ISO-8601 instant";

  static byte[] record(String seq, String time) {
    return ("{\"seq\":" + seq + ",\"time\":\"" + time + "\",\"type\":\"X\"}")
        .getBytes(StandardCharsets.US_ASCII);
  }

  static RecordHead parsed(byte[] b) {
    RecordHead head = new RecordHead();
    assertThat(head.parse(b, 0, b.length)).as("parse %s", new String(b, StandardCharsets.US_ASCII))
        .isTrue();
    return head;
  }

  static String problem(byte[] b, int off, int len) {
    RecordHead head = new RecordHead();
    assertThat(head.parse(b, off, len)).isFalse();
    return head.problem;
  }

  static String problem(String text) {
    return problem(text.getBytes(StandardCharsets.US_ASCII));
  }

  static String problem(byte[] b) {
    return problem(b, 0, b.length);
  }

  /** The shape {@code Instant.toString()} writes for years 0000 to 9999. */
  static final Pattern CANONICAL =
      Pattern.compile("\\d{4}-\\d{2}-\\d{2}T([01]\\d|2[0-3]):[0-5]\\d:[0-5]\\d(\\.\\d{1,9})?Z");

  /**
   * Parses the time as a record head and checks it against {@code Instant.parse}: a time is read
   * when it has the canonical shape (or a signed year) and {@code Instant.parse} reads it too.
   */
  static void agreesWithInstantParse(String time) {
    Instant expected = null;
    if (time.startsWith("+") || time.startsWith("-") || CANONICAL.matcher(time).matches()) {
      try {
        expected = Instant.parse(time);
      } catch (DateTimeParseException e) {
        expected = null;
      }
    }
    byte[] b = record("7", time);
    RecordHead head = new RecordHead();
    boolean ok = head.parse(b, 0, b.length);
    if (expected == null) {
      assertThat(ok).as("'%s' is not an instant", time).isFalse();
      assertThat(head.problem).isEqualTo(BAD_TIME);
    } else {
      assertThat(ok).as("'%s' is an instant", time).isTrue();
      assertThat(head.seq).isEqualTo(7);
      assertThat(Instant.ofEpochSecond(head.epochSecond, head.nano)).as(time).isEqualTo(expected);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "2026-12-04T02:44:07Z", "1970-01-01T00:00:00Z", "0000-01-01T00:00:00Z",
      "9999-12-31T23:59:59Z", "2024-02-29T12:00:00Z", "2026-12-04T02:44:07.1Z",
      "2026-12-04T02:44:07.12Z", "2026-12-04T02:44:07.123Z", "2026-12-04T02:44:07.123456Z",
      "2026-12-04T02:44:07.000000001Z", "2026-12-04T02:44:07.999999999Z",
      "2026-12-04T02:44:07.100000000Z", "2026-12-04T02:44:07.000Z", "1969-12-31T23:59:59.5Z", "2000-10-10T10:10:10Z",
      "2026-11-30T19:09:49Z", "2026-01-31T09:19:29Z", "+10000-01-01T00:00:00Z",
      "-0001-06-15T08:00:00Z", "2026-12-04T23:59:60Z", "2026-12-04T02:44:07+01:00",
      "2026-12-04T02:44:07.1234567890Z", "2026-12-04T02:44:07.Z", "2026-12-04T02:44:07,5Z",
      "2026-12-04T02:44:07xZ", "2026-12-04T02:44:07", "2026-13-04T02:44:07Z",
      "2026-00-04T02:44:07Z", "2026-12-32T02:44:07Z", "2026-12-00T02:44:07Z",
      "2026-02-30T02:44:07Z", "2025-02-29T00:00:00Z", "2026-12-04T24:00:00Z",
      "2026-12-04T02:60:07Z", "2026-12-04T02:44:61Z", "2026-12-04T02:44:07.12a4Z",
      "2026-1a-04T02:44:07Z", "2026-12-0bT02:44:07Z", "202x-12-04T02:44:07Z",
      "2026-12-04T0x:44:07Z", "2026-12-04T02:4x:07Z", "2026-12-04T02:44:0xZ",
      "2026/12-04T02:44:07Z", "2026-12/04T02:44:07Z", "2026-12-04 02:44:07Z",
      "2026-12-04T02-44:07Z", "2026-12-04T02:44-07Z", "2026-12-04T02:44:07z", ""})
  void theTimeIsReadWhenCanonicalAndAgreesWithInstantParse(String time) {
    agreesWithInstantParse(time);
  }

  @Test
  void timesThatInstantParseAcceptsButInstantToStringNeverWritesAreRefused() {
    for (String time : List.of("2026-12-04T02:44:07+01:00", "2026-12-04T23:59:60Z",
        "2026-12-04T24:00:00Z")) {
      assertThat(Instant.parse(time)).isNotNull();
      assertThat(problem(record("1", time))).as(time).isEqualTo(BAD_TIME);
    }
  }

  @Test
  void randomInstantsAndTheirOneCharacterVariantsAgreeWithInstantParse() {
    SplittableRandom random = new SplittableRandom(20261204);
    String alphabet = "0123456789:-.TZ+/ ";
    for (int i = 0; i < 4_000; i++) {
      long second = random.nextLong(-62_167_219_200L, 253_402_300_800L);
      int nano = switch (i % 4) {
        case 0 -> 0;
        case 1 -> random.nextInt(1000) * 1_000_000;
        case 2 -> random.nextInt(1_000_000) * 1000;
        default -> random.nextInt(1_000_000_000);
      };
      String time = Instant.ofEpochSecond(second, nano).toString();
      agreesWithInstantParse(time);
      char[] variant = time.toCharArray();
      variant[random.nextInt(variant.length)] = alphabet.charAt(random.nextInt(alphabet.length()));
      agreesWithInstantParse(new String(variant));
    }
  }

  @Test
  void sequenceNumbersUpToEighteenDigitsAreRead() {
    assertThat(parsed(record("0", "2026-12-04T02:44:07Z")).seq).isZero();
    assertThat(parsed(record("9", "2026-12-04T02:44:07Z")).seq).isEqualTo(9);
    assertThat(parsed(record("10", "2026-12-04T02:44:07Z")).seq).isEqualTo(10);
    assertThat(parsed(record("123456789012345678", "2026-12-04T02:44:07Z")).seq)
        .isEqualTo(123_456_789_012_345_678L);
    assertThat(parsed(record("999999999999999999", "2026-12-04T02:44:07Z")).seq)
        .isEqualTo(999_999_999_999_999_999L);
  }

  @Test
  void aHeadThatIsNotCanonicalIsNamed() {
    String time = "2026-12-04T02:44:07Z";
    assertThat(problem(record("1234567890123456789", time)))
        .isEqualTo("record sequence number is not canonical");
    assertThat(problem(record("01", time))).isEqualTo("record sequence number is not canonical");
    assertThat(problem(record("00", time))).isEqualTo("record sequence number is not canonical");
    assertThat(problem(record("", time))).isEqualTo("record sequence number is missing");
    assertThat(problem(record("-1", time))).isEqualTo("record sequence number is missing");
    assertThat(problem(record("1 ", time)))
        .isEqualTo("record lacks its time after the sequence number");
    assertThat(problem("{\"seq\" :1,\"time\":\"" + time + "\"}"))
        .isEqualTo("record does not start with {\"seq\":");
    assertThat(problem("[\"seq\":1,\"time\":\"" + time + "\"}"))
        .isEqualTo("record does not start with {\"seq\":");
    assertThat(problem("{\"seq\":1,\"time\":\"" + time + "\""))
        .isEqualTo("record is truncated");
    assertThat(problem("{\"seq\":1,\"time\":\"" + time + "}")).isEqualTo("record is truncated");
    assertThat(problem("{\"seq\":12,\"time\":\"")).isEqualTo("record is truncated");
    assertThat(problem("{\"seq\":1,\"time\":\"")).isEqualTo("record does not start with {\"seq\":");
    assertThat(problem("{\"seq\":1,\"tim\":\"" + time + "\"}"))
        .isEqualTo("record lacks its time after the sequence number");
  }

  @Test
  void onlyTheGivenRangeOfTheBufferIsRead() {
    byte[] one = record("42", "2026-12-04T02:44:07.5Z");
    byte[] padded = new byte[one.length + 10];
    System.arraycopy(one, 0, padded, 4, one.length);
    RecordHead head = new RecordHead();
    assertThat(head.parse(padded, 4, one.length)).isTrue();
    assertThat(head.seq).isEqualTo(42);
    assertThat(Instant.ofEpochSecond(head.epochSecond, head.nano))
        .isEqualTo(Instant.parse("2026-12-04T02:44:07.5Z"));

    // Cut short inside the range: the bytes after it do not complete the record.
    assertThat(problem(padded, 4, one.length - 1)).isEqualTo("record is truncated");
    assertThat(problem(padded, 4, 14)).isEqualTo("record does not start with {\"seq\":");
    // The sequence digits stop at the end of the range even when the buffer goes on.
    byte[] digits = "{\"seq\":12345678901234567890".getBytes(StandardCharsets.US_ASCII);
    assertThat(problem(digits, 0, 18)).isEqualTo("record lacks its time after the sequence number");
    assertThat(problem(digits, 0, 25)).isEqualTo("record lacks its time after the sequence number");
    // The time prefix must lie inside the range, even when the buffer holds the rest of it.
    byte[] whole = record("123456789", "2026-12-04T02:44:07Z");
    assertThat(problem(whole, 0, 19)).isEqualTo("record lacks its time after the sequence number");
    // A head found at the very end of a shorter buffer is not read past the buffer.
    byte[] tail = "xx{\"seq\":12,\"time\":\"".getBytes(StandardCharsets.US_ASCII);
    assertThat(problem(tail, 2, tail.length - 2)).isEqualTo("record is truncated");
  }

  @Test
  void timesCompareBySecondThenNano() {
    RecordHead head = parsed(record("1", "2026-12-04T02:44:07.5Z"));
    long second = Instant.parse("2026-12-04T02:44:07Z").getEpochSecond();
    assertThat(head.compareTime(second, 500_000_000)).isZero();
    assertThat(head.compareTime(second, 499_999_999)).isPositive();
    assertThat(head.compareTime(second, 500_000_001)).isNegative();
    assertThat(head.compareTime(second - 1, 999_999_999)).isPositive();
    assertThat(head.compareTime(second + 1, 0)).isNegative();
  }

  @Test
  void oneReaderParsesManyHeadsInTurn() {
    RecordHead head = new RecordHead();
    List<Instant> seen = new ArrayList<>();
    for (String time : List.of("2026-12-04T02:44:07Z", "2026-12-04T02:44:07.25Z",
        "+10000-01-01T00:00:00Z", "2026-12-04T02:44:08Z")) {
      byte[] b = record("3", time);
      assertThat(head.parse(b, 0, b.length)).isTrue();
      seen.add(Instant.ofEpochSecond(head.epochSecond, head.nano));
    }
    assertThat(seen).containsExactly(Instant.parse("2026-12-04T02:44:07Z"),
        Instant.parse("2026-12-04T02:44:07.25Z"), Instant.parse("+10000-01-01T00:00:00Z"),
        Instant.parse("2026-12-04T02:44:08Z"));
  }
}
