package dev.breakglass.core.audit;

import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;

/**
 * Reads the sequence number and time from the start of a canonical record
 * ({@code {"seq":N,"time":"<ISO-8601 instant>",...}}) without a JSON parser, so that whole-log
 * verification and recovery stay fast. The canonical encoding fixes that prefix exactly.
 *
 * <p>Not thread-safe: one instance per reader.
 */
final class RecordHead {
  private static final byte[] SEQ = "{\"seq\":".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] TIME = ",\"time\":\"".getBytes(StandardCharsets.US_ASCII);

  long seq;
  long epochSecond;
  int nano;
  String problem;

  /** Parses the head of a record; false (with {@link #problem} set) if it is not canonical. */
  boolean parse(byte[] b, int off, int len) {
    int end = off + len;
    int p = off;
    if (len < SEQ.length + TIME.length + 2 || !startsWith(b, p, SEQ)) {
      return fail("record does not start with {\"seq\":");
    }
    p += SEQ.length;
    long s = 0;
    int digits = 0;
    while (p < end && b[p] >= '0' && b[p] <= '9') {
      if (digits == 18 || (digits > 0 && s == 0)) {
        return fail("record sequence number is not canonical");
      }
      s = s * 10 + (b[p++] - '0');
      digits++;
    }
    if (digits == 0) {
      return fail("record sequence number is missing");
    }
    if (p + TIME.length > end || !startsWith(b, p, TIME)) {
      return fail("record lacks its time after the sequence number");
    }
    p += TIME.length;
    int q = p;
    while (q < end && b[q] != '"') {
      q++;
    }
    if (q >= end || b[end - 1] != '}') {
      return fail("record is truncated");
    }
    if (!parseInstant(b, p, q - p)) {
      return fail("record time is not an ISO-8601 instant");
    }
    seq = s;
    return true;
  }

  /** Compares this head's time with another instant given as seconds and nanos. */
  int compareTime(long otherSecond, int otherNano) {
    int c = Long.compare(epochSecond, otherSecond);
    return c != 0 ? c : Integer.compare(nano, otherNano);
  }

  private boolean parseInstant(byte[] b, int p, int n) {
    // Fast path for the form Instant.toString() gives for years 0000-9999.
    if (n >= 20 && b[p + 4] == '-' && b[p + 7] == '-' && b[p + 10] == 'T' && b[p + 13] == ':'
        && b[p + 16] == ':' && b[p + n - 1] == 'Z') {
      int year = num(b, p, 4);
      int month = num(b, p + 5, 2);
      int day = num(b, p + 8, 2);
      int hour = num(b, p + 11, 2);
      int min = num(b, p + 14, 2);
      int sec = num(b, p + 17, 2);
      int fracDigits = n - 20;
      int fraction = 0;
      if (fracDigits > 0) {
        if (b[p + 19] != '.' || fracDigits - 1 > 9 || fracDigits - 1 == 0) {
          return slow(b, p, n);
        }
        fraction = num(b, p + 20, fracDigits - 1);
        for (int i = fracDigits - 1; i < 9; i++) {
          fraction *= 10;
        }
      } else if (b[p + 19] != 'Z') {
        return slow(b, p, n);
      }
      if (year < 0 || month < 1 || month > 12 || day < 1 || day > 31 || hour < 0 || hour > 23
          || min < 0 || min > 59 || sec < 0 || sec > 59 || fraction < 0) {
        return slow(b, p, n);
      }
      try {
        long days = LocalDate.of(year, month, day).toEpochDay();
        epochSecond = days * 86400 + hour * 3600L + min * 60L + sec;
        nano = fraction;
        return true;
      } catch (DateTimeException e) {
        return false;
      }
    }
    return slow(b, p, n);
  }

  private boolean slow(byte[] b, int p, int n) {
    try {
      Instant t = Instant.parse(new String(b, p, n, StandardCharsets.US_ASCII));
      epochSecond = t.getEpochSecond();
      nano = t.getNano();
      return true;
    } catch (DateTimeParseException e) {
      return false;
    }
  }

  /** Parses {@code n} ASCII digits; -1 if any is not a digit. */
  private static int num(byte[] b, int p, int n) {
    int v = 0;
    for (int i = 0; i < n; i++) {
      int d = b[p + i] - '0';
      if (d < 0 || d > 9) {
        return -1;
      }
      v = v * 10 + d;
    }
    return v;
  }

  private boolean fail(String why) {
    problem = why;
    return false;
  }

  private static boolean startsWith(byte[] b, int p, byte[] prefix) {
    if (p + prefix.length > b.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (b[p + i] != prefix[i]) {
        return false;
      }
    }
    return true;
  }
}
