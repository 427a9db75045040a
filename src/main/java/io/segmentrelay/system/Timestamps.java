package io.segmentrelay.system;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/** ISO 8601 timestamps as every API takes them: with a time zone, e.g. 2026-05-13T10:14:00.000Z. */
public final class Timestamps {

  /** The message every API gives for a timestamp it cannot read. */
  public static final String INVALID = "must be ISO 8601 with a time zone, e.g. 2026-05-13T10:14:00.000Z";

  private Timestamps() {}

  /** The instant, or empty when {@code text} is not an ISO 8601 timestamp with a zone. */
  public static Optional<Instant> parse(String text) {
    try {
      return Optional.of(OffsetDateTime.parse(text).toInstant());
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }
}
