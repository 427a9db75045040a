package io.segmentrelay.system;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/** ISO 8601 timestamps as every API takes them: with a time zone, e.g. 2026-05-13T10:14:00.000Z. */
public final class Timestamps {

  /** The message every API gives for a timestamp it cannot read. */
  public static final String INVALID = "must be ISO 8601 with a time zone, e.g. 2026-05-13T10:14:00.000Z";

  private Timestamps() {}

  /** The instant, or empty when {@code text} is not an ISO 8601 timestamp with a zone. */
  public static Optional<Instant> parse(String text) {
    var utc = parseUtc(text);
    if (utc != null) {
      return Optional.of(utc);
    }
    try {
      return Optional.of(OffsetDateTime.parse(text).toInstant());
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  /**
   * {@code yyyy-MM-ddTHH:mm:ss[.f…]Z}, the form nearly every client sends, read without a
   * formatter (every ingested event has one); null for anything else, which the full parser then
   * reads or rejects, so both give the same answer.
   */
  static Instant parseUtc(String text) {
    int length = text.length();
    if (length < 20 || length == 21 || length > 30 || text.charAt(length - 1) != 'Z'
        || text.charAt(4) != '-' || text.charAt(7) != '-' || text.charAt(10) != 'T'
        || text.charAt(13) != ':' || text.charAt(16) != ':'
        || (length > 20 && text.charAt(19) != '.')) {
      return null;
    }
    int year = digits(text, 0, 4);
    int month = digits(text, 5, 2);
    int day = digits(text, 8, 2);
    int hour = digits(text, 11, 2);
    int minute = digits(text, 14, 2);
    int second = digits(text, 17, 2);
    int fraction = length > 20 ? digits(text, 20, length - 21) : 0;
    if (year < 0 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0 || fraction < 0) {
      return null;
    }
    int nanos = fraction;
    for (int i = length > 20 ? length - 21 : 9; i < 9; i++) {
      nanos *= 10;
    }
    try {
      return LocalDateTime.of(year, month, day, hour, minute, second, nanos)
          .toInstant(ZoneOffset.UTC);
    } catch (DateTimeException e) {
      return null;
    }
  }

  /** The {@code count} decimal digits at {@code from} as a number, or -1 if any is not a digit. */
  private static int digits(String text, int from, int count) {
    int value = 0;
    for (int i = from; i < from + count; i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }
}
