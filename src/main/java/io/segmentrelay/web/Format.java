package io.segmentrelay.web;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Formatting for the pages, available in templates as {@code @fmt}. Times are shown in UTC, the
 * zone the relay, Segment's debugger and the delivery log all agree on.
 */
@Component("fmt")
public final class Format {

  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter HOUR =
      DateTimeFormatter.ofPattern("HH:mm").withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter INPUT =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneOffset.UTC);

  private final JsonMapper json;

  Format(JsonMapper json) {
    this.json = json;
  }

  /** {@code 2026-05-13 10:14:00 UTC}, or a dash for none. */
  public String time(Instant instant) {
    return instant == null ? "—" : TIME.format(instant);
  }

  /** {@code 2026-05-13 10:14:00}, for table columns whose header says UTC; a dash for none. */
  public String utc(Instant instant) {
    return instant == null ? "—" : TIME.format(instant).substring(0, 19);
  }

  /** {@code 10:00}. */
  public String hour(Instant instant) {
    return HOUR.format(instant);
  }

  /** The value of a time input: {@code 2026-05-13 14:00}, 24-hour, UTC. */
  public String input(Instant instant) {
    return instant == null ? "" : INPUT.format(instant);
  }

  /** {@code 85 ms} or {@code 1.2 s}. */
  public String duration(long millis) {
    return millis < 1000 ? millis + " ms" : String.format("%.1f s", millis / 1000.0);
  }

  /** The text cut to {@code max} characters, with an ellipsis when cut. */
  public String snippet(String text, int max) {
    if (text == null) {
      return "";
    }
    var flat = text.replaceAll("\\s+", " ").trim();
    return flat.length() <= max ? flat : flat.substring(0, max) + "…";
  }

  /** The JSON text indented for reading; the text itself if it is not JSON. */
  public String prettyJson(String text) {
    if (text == null) {
      return "";
    }
    try {
      return json.rebuild()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .build()
          .writeValueAsString(json.readTree(text));
    } catch (JacksonException e) {
      return text;
    }
  }
}
