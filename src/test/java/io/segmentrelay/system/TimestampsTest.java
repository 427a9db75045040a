package io.segmentrelay.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TimestampsTest {

  @Test
  void reads_utc_timestamps_of_every_precision_as_the_full_parser_does() {
    var random = new Random(42);
    for (int i = 0; i < 20_000; i++) {
      var instant = Instant.ofEpochSecond(random.nextLong(-62_000_000_000L, 250_000_000_000L),
          random.nextInt(1_000_000_000));
      var text = instant.toString(); // yyyy-MM-ddTHH:mm:ss[.fff[fff[fff]]]Z, years 0001–9999
      assertThat(Timestamps.parseUtc(text)).as(text).isEqualTo(instant);
      assertThat(Timestamps.parse(text)).as(text).isEqualTo(full(text));
    }
  }

  @Test
  void gives_the_full_parsers_answer_for_odd_and_invalid_input() {
    String[] inputs = {
      "2026-05-13T10:14:00Z", "2026-05-13T10:14:00.5Z", "2026-05-13T10:14:00.123456789Z",
      "2026-05-13T10:14:00.1234567890Z", "2026-05-13T10:14:00.Z", "2026-05-13t10:14:00z",
      "2026-05-13T10:14:00+02:00", "2026-05-13T10:14:00.000-05:30", "2026-05-13T10:14Z",
      "2026-02-29T10:14:00Z", "2024-02-29T10:14:00Z", "2026-04-31T10:14:00Z",
      "2026-13-01T10:14:00Z", "2026-00-10T10:14:00Z", "2026-05-13T24:00:00Z",
      "2026-05-13T23:60:00Z", "2026-05-13T23:59:60Z", "2026-05-13 10:14:00Z",
      "2026-05-13T10:14:00", "+2026-05-13T10:14:00Z", "2026-05-1xT10:14:00Z",
      "20260513T101400Z", "", "Z", "2026-05-13T10:14:00.12a4Z", "0000-01-01T00:00:00Z"
    };
    for (var text : inputs) {
      assertThat(Timestamps.parse(text)).as(text).isEqualTo(full(text));
    }
    assertThat(Timestamps.parseUtc("2026-05-13T10:14:00+02:00")).isNull();
    assertThat(Timestamps.parse("2026-05-13T10:14:00.5Z"))
        .contains(Instant.parse("2026-05-13T10:14:00.500Z"));
  }

  private static Optional<Instant> full(String text) {
    try {
      return Optional.of(OffsetDateTime.parse(text).toInstant());
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }
}
