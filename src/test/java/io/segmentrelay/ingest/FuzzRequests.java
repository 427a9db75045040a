package io.segmentrelay.ingest;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.GZIPOutputStream;

/**
 * Generates ingest requests from a seed by mutating a valid event: field types, lengths, odd
 * characters (control characters, lone surrogates, astral ones), nesting, sizes, timestamps,
 * encodings, content types and gzip. The same seed gives the same requests.
 */
final class FuzzRequests {

  /** One request to send. */
  record Request(String path, String contentType, String contentEncoding, byte[] body) {}

  /** A JSON token written as is, e.g. {@code 1e400} or a key given twice. */
  record Raw(String json) {}

  private static final String[] TYPES = {"flow_viewed", "flow_dismissed", "response_submitted"};
  private static final String[] FIELDS = {"id", "type", "timestamp", "userId", "anonymousId",
      "surveyId", "responseId", "traits", "page", "locale", "references", "extra"};
  private static final String[] TIMESTAMPS = {"2026-05-13T10:14:00.000Z", "2026-05-13T10:14:00Z",
      "2026-05-13T12:14:00+02:00", "2026-05-13T10:14:00.123456789Z", "2026-06-30T23:59:60Z",
      "+294277-01-01T00:00:00Z", "-000001-01-01T00:00:00Z", "1999-12-31T23:59:59Z",
      "2100-01-01T00:00:00Z", "2000-01-01T00:00:00Z", "2099-12-31T23:59:59.999Z",
      "2026-02-30T10:00:00Z", "2026-05-13T10:14:00", "2026-05-13", "1715595240", "",
      "2026-05-13T10:14:00.0000000000001Z", "2026-05-13T10:14:00+25:00", "2026-05-13T10:14:00-18:00"};
  private static final String[] ODD = {"\u0000", "\u0001", "\n", "\t", "\u007f", "\u0085",
      "\ud800", "\udfff", "\ud83d\ude00", "\u200b", "\u202e", "\ufeff", "\uffff", "é", "中文",
      "\\", "\"", "</script>", "' OR 1=1 --", "%00", "\ud83d", "𝔘"};
  private static final String[] CONTENT_TYPES = {"text/plain", null, "application/x-www-form-urlencoded",
      "application/json; charset=iso-8859-1", "application/json;charset=UTF-8", "garbage/?",
      "application/json", "APPLICATION/JSON", "application/vnd.api+json", "multipart/form-data"};

  private final Random random;
  private int counter;

  FuzzRequests(long seed) {
    this.random = new Random(seed);
  }

  synchronized Request next() {
    var ingest = random.nextInt(100) >= 15;
    Object body = ingest ? eventsBody() : identifyBody();
    var bytes = encode(json(body));
    var contentType = random.nextInt(100) < 8
        ? CONTENT_TYPES[random.nextInt(CONTENT_TYPES.length)] : "application/json";
    String encoding = null;
    if (random.nextInt(100) < 4) {
      bytes = gzip(bytes);
      encoding = "gzip";
    }
    return new Request(ingest ? "/v1/events" : "/v1/identify", contentType, encoding, bytes);
  }

  private Object eventsBody() {
    int size = switch (random.nextInt(300)) {
      case 0 -> 495 + random.nextInt(11);
      case 1, 2, 3, 4, 5, 6 -> 20 + random.nextInt(60);
      default -> 1 + random.nextInt(4);
    };
    if (size == 1 && random.nextBoolean()) {
      return mutated(validEvent());
    }
    var batch = new ArrayList<Object>();
    for (int i = 0; i < size; i++) {
      batch.add(random.nextInt(20) == 0 ? mutated(validEvent()) : validEvent());
    }
    var body = new LinkedHashMap<String, Object>();
    body.put("batch", random.nextInt(200) == 0 ? oddValue(0) : batch);
    return body;
  }

  private Map<String, Object> validEvent() {
    var event = new LinkedHashMap<String, Object>();
    event.put("id", "fz_" + (counter++));
    event.put("type", TYPES[random.nextInt(TYPES.length)]);
    event.put("timestamp", "2026-05-" + (10 + random.nextInt(10)) + "T10:14:00.000Z");
    event.put("userId", "user_" + random.nextInt(300));
    event.put("anonymousId", "anon_" + random.nextInt(600));
    event.put("surveyId", "srv_" + random.nextInt(5));
    event.put("responseId", "resp_" + random.nextInt(10_000));
    event.put("traits", map("email", "u" + random.nextInt(300) + "@example.com",
        "plan", random.nextBoolean() ? "pro" : "free"));
    event.put("page", map("path", "/checkout", "referrer", "https://example.com/"));
    event.put("locale", "en-US");
    return event;
  }

  private Object mutated(Map<String, Object> event) {
    int mutations = 1 + random.nextInt(3);
    for (int i = 0; i < mutations; i++) {
      mutate(event);
    }
    return random.nextInt(100) == 0 ? oddValue(0) : event;
  }

  @SuppressWarnings("unchecked")
  private void mutate(Map<String, Object> event) {
    var field = FIELDS[random.nextInt(FIELDS.length)];
    switch (random.nextInt(9)) {
      case 0 -> event.remove(field);
      case 1 -> event.put(field, oddValue(0));
      case 2 -> event.put(field, oddString(random.nextInt(4) == 0 ? 90 + random.nextInt(130) : 12));
      case 3 -> event.put("timestamp", TIMESTAMPS[random.nextInt(TIMESTAMPS.length)]);
      case 4 -> event.put("traits", nested(1 + random.nextInt(60)));
      case 5 -> {
        var traits = event.get("traits") instanceof Map<?, ?> m
            ? new LinkedHashMap<>((Map<String, Object>) m) : new LinkedHashMap<String, Object>();
        traits.put("note", oddString(random.nextInt(10) == 0 ? 200_000 + random.nextInt(900_000) : 300));
        event.put("traits", traits);
      }
      case 6 -> event.put("traits", map("n", new Raw(random.nextBoolean() ? "1e400"
          : "123456789012345678901234567890.5e-3"), "z", new Raw("-0")));
      case 7 -> event.put("id", "fz_" + random.nextInt(Math.max(1, counter)));
      default -> event.put(field, new Raw("{\"a\":1,\"a\":2}"));
    }
  }

  private Object identifyBody() {
    var body = new LinkedHashMap<String, Object>();
    body.put("userId", "user_" + random.nextInt(300));
    body.put("anonymousId", "anon_" + random.nextInt(600));
    body.put("traits", map("name", "Ada", "plan", "pro"));
    if (random.nextInt(3) == 0) {
      var field = new String[] {"userId", "anonymousId", "traits", "timestamp"}[random.nextInt(4)];
      switch (random.nextInt(4)) {
        case 0 -> body.remove(field);
        case 1 -> body.put(field, oddValue(0));
        case 2 -> body.put(field, oddString(random.nextInt(4) == 0 ? 210 : 12));
        default -> body.put("timestamp", TIMESTAMPS[random.nextInt(TIMESTAMPS.length)]);
      }
    }
    return body;
  }

  private Object oddValue(int depth) {
    return switch (random.nextInt(depth > 3 ? 6 : 8)) {
      case 0 -> null;
      case 1 -> random.nextBoolean();
      case 2 -> random.nextLong();
      case 3 -> random.nextDouble() * 1e300;
      case 4 -> oddString(1 + random.nextInt(40));
      case 5 -> "";
      case 6 -> Arrays.asList(oddValue(depth + 1), oddValue(depth + 1));
      default -> {
        var map = new LinkedHashMap<String, Object>();
        map.put("k" + random.nextInt(5), oddValue(depth + 1));
        yield map;
      }
    };
  }

  private String oddString(int length) {
    var text = new StringBuilder(length);
    while (text.length() < length) {
      text.append(random.nextInt(4) == 0 ? ODD[random.nextInt(ODD.length)]
          : (char) ('a' + random.nextInt(26)));
    }
    return text.toString();
  }

  private Object nested(int depth) {
    Object value = "leaf";
    for (int i = 0; i < depth; i++) {
      value = random.nextBoolean() ? map("n", value) : List.of(value);
    }
    return value instanceof Map<?, ?> ? value : map("n", value);
  }

  /** A map in insertion order (unlike {@code Map.of}), so that a seed gives the same bytes. */
  private static Map<String, Object> map(Object... keyValues) {
    var map = new LinkedHashMap<String, Object>();
    for (int i = 0; i < keyValues.length; i += 2) {
      map.put((String) keyValues[i], keyValues[i + 1]);
    }
    return map;
  }

  /** JSON text; non-ASCII is sometimes escaped, so that lone surrogates reach the server too. */
  private String json(Object value) {
    var out = new StringBuilder();
    write(out, value, random.nextInt(3) == 0);
    return out.toString();
  }

  private void write(StringBuilder out, Object value, boolean escapeAll) {
    switch (value) {
      case null -> out.append("null");
      case Raw raw -> out.append(raw.json());
      case String s -> string(out, s, escapeAll);
      case Map<?, ?> map -> {
        out.append('{');
        var first = true;
        for (var entry : map.entrySet()) {
          out.append(first ? "" : ",");
          first = false;
          string(out, (String) entry.getKey(), escapeAll);
          out.append(':');
          write(out, entry.getValue(), escapeAll);
        }
        out.append('}');
      }
      case List<?> list -> {
        out.append('[');
        for (int i = 0; i < list.size(); i++) {
          out.append(i == 0 ? "" : ",");
          write(out, list.get(i), escapeAll);
        }
        out.append(']');
      }
      default -> out.append(value);
    }
  }

  private static void string(StringBuilder out, String s, boolean escapeAll) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\') {
        out.append('\\').append(c);
      } else if (c < 0x20 || Character.isSurrogate(c) || (escapeAll && c > 0x7e)) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    out.append('"');
  }

  private byte[] encode(String json) {
    return switch (random.nextInt(40)) {
      case 0 -> json.getBytes(StandardCharsets.UTF_16BE);
      case 1 -> json.getBytes(StandardCharsets.ISO_8859_1);
      case 2 -> ("\ufeff" + json).getBytes(StandardCharsets.UTF_8);
      case 3 -> json.substring(0, random.nextInt(json.length() + 1)).getBytes(StandardCharsets.UTF_8);
      case 4 -> {
        var bytes = json.getBytes(StandardCharsets.UTF_8);
        bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
        yield bytes;
      }
      default -> json.getBytes(StandardCharsets.UTF_8);
    };
  }

  private static byte[] gzip(byte[] bytes) {
    var out = new ByteArrayOutputStream();
    try (var gzip = new GZIPOutputStream(out)) {
      gzip.write(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
