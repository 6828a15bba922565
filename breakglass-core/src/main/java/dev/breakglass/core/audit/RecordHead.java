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
    problem = check(b, off, len);
    return problem == null;
  }

  /** Compares this head's time with another instant given as seconds and nanos. */
  int compareTime(long otherSecond, int otherNano) {
    int c = Long.compare(epochSecond, otherSecond);
    return c != 0 ? c : Integer.compare(nano, otherNano);
  }

  /** Reads the head into the fields; what is wrong with it, or null if it is canonical. */
  private String check(byte[] b, int off, int len) {
    int end = off + len;
    int p = off;
    if (len < SEQ.length + TIME.length + 2 || !startsWith(b, p, SEQ)) {
      return "record does not start with {\"seq\":";
    }
    p += SEQ.length;
    long s = 0;
    int digits = 0;
    while (p < end && b[p] >= '0' && b[p] <= '9') {
      if (digits == 18 || (digits > 0 && s == 0)) {
        return "record sequence number is not canonical";
      }
      s = s * 10 + (b[p++] - '0');
      digits++;
    }
    if (digits == 0) {
      return "record sequence number is missing";
    }
    if (p + TIME.length > end || !startsWith(b, p, TIME)) {
      return "record lacks its time after the sequence number";
    }
    p += TIME.length;
    int q = p;
    while (q < end && b[q] != '"') {
      q++;
    }
    if (q >= end || b[end - 1] != '}') {
      return "record is truncated";
    }
    if (!parseInstant(b, p, q - p)) {
      return "record time is not an ISO-8601 instant";
    }
    seq = s;
    return null;
  }

  /**
   * Reads the time as {@link Instant#toString()} writes it: {@code yyyy-MM-ddTHH:mm:ss}, then
   * {@code Z} or a fraction of one to nine digits and {@code Z}. Only years outside 0000-9999,
   * which carry a sign, go through {@link Instant#parse}; anything else is not canonical.
   */
  private boolean parseInstant(byte[] b, int p, int n) {
    // b[p] is the closing quote when the time is empty
    if (b[p] == '+' || b[p] == '-') {
      return slow(b, p, n);
    }
    if (n < 20 || b[p + 4] != '-' || b[p + 7] != '-' || b[p + 10] != 'T' || b[p + 13] != ':'
        || b[p + 16] != ':' || b[p + n - 1] != 'Z') {
      return false;
    }
    int year = num(b, p, 4);
    int hour = num(b, p + 11, 2);
    int min = num(b, p + 14, 2);
    int sec = num(b, p + 17, 2);
    if (year < 0 || hour < 0 || hour > 23 || min < 0 || min > 59 || sec < 0 || sec > 59) {
      return false;
    }
    int fraction = 0;
    int fracDigits = n - 21;
    if (fracDigits >= 0) {
      if (b[p + 19] != '.' || fracDigits == 0 || fracDigits > 9) {
        return false;
      }
      fraction = num(b, p + 20, fracDigits);
      if (fraction < 0) {
        return false;
      }
      for (int i = fracDigits; i < 9; i++) {
        fraction *= 10;
      }
    }
    try {
      // A month or day that is not two digits reads as -1, which LocalDate refuses like 13 or 32.
      long days = LocalDate.of(year, num(b, p + 5, 2), num(b, p + 8, 2)).toEpochDay();
      epochSecond = days * 86400 + hour * 3600L + min * 60L + sec;
      nano = fraction;
      return true;
    } catch (DateTimeException e) {
      return false;
    }
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

  /** Whether {@code prefix} is at {@code p}; the caller has checked that it fits. */
  private static boolean startsWith(byte[] b, int p, byte[] prefix) {
    for (int i = 0; i < prefix.length; i++) {
      if (b[p + i] != prefix[i]) {
        return false;
      }
    }
    return true;
  }
}
