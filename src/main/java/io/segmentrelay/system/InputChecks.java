package io.segmentrelay.system;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * The checks that keep out of storage what one engine would hold and the other refuse, or what
 * would break a reader later: lone surrogates anywhere, control characters in ids, deep nesting
 * and timestamps outside a sane window. Run on the parsed body before anything else looks at it,
 * so H2 and PostgreSQL accept exactly the same events.
 */
public final class InputChecks {

  /** The deepest an accepted body may nest objects and arrays. */
  public static final int MAX_DEPTH = 32;

  /** Timestamps from this instant (inclusive)… */
  public static final Instant EARLIEST = Instant.parse("2000-01-01T00:00:00Z");

  /** …to this one (exclusive) are accepted. */
  public static final Instant LATEST = Instant.parse("2100-01-01T00:00:00Z");

  /** The message for a timestamp outside the window. */
  public static final String OUT_OF_RANGE = "must be from 2000-01-01 to before 2100-01-01";

  private static final Set<String> ID_FIELDS = Set.of("id", "userId", "anonymousId");

  private static final int MAX_ERRORS = 20;

  private InputChecks() {}

  /**
   * What is wrong with an ingest body: a single event or identify call, or {@code {"batch":[…]}}.
   * Fields are named as the API names them ({@code batch[2].traits.name}); empty when all is well.
   */
  public static List<FieldError> check(JsonNode body) {
    var errors = new ArrayList<FieldError>();
    walk(body, "", 0, errors);
    if (body != null && body.get("batch") instanceof JsonNode batch && batch.isArray()) {
      for (int i = 0; i < batch.size(); i++) {
        checkEvent(batch.get(i), "batch[" + i + "].", errors);
      }
    } else {
      checkEvent(body, "", errors);
    }
    return errors.size() > MAX_ERRORS ? errors.subList(0, MAX_ERRORS) : errors;
  }

  /**
   * What is wrong with any other JSON body of the API: lone surrogates and deep nesting, which
   * would be stored and then break every response that lists them.
   */
  public static List<FieldError> wellFormed(JsonNode body) {
    var errors = new ArrayList<FieldError>();
    walk(body, "", 0, errors);
    return errors.size() > MAX_ERRORS ? errors.subList(0, MAX_ERRORS) : errors;
  }

  private static void checkEvent(JsonNode event, String at, List<FieldError> errors) {
    if (event == null || !event.isObject()) {
      return;
    }
    for (var field : ID_FIELDS) {
      var value = event.get(field);
      if (value != null && value.isString() && hasControl(value.asString())) {
        errors.add(new FieldError(at + field, "must not contain control characters"));
      }
    }
    var timestamp = event.get("timestamp");
    if (timestamp != null && timestamp.isString()) {
      Timestamps.parse(timestamp.asString())
          .filter(instant -> instant.isBefore(EARLIEST) || !instant.isBefore(LATEST))
          .ifPresent(instant -> errors.add(new FieldError(at + "timestamp", OUT_OF_RANGE)));
    }
  }

  private static void walk(JsonNode node, String at, int depth, List<FieldError> errors) {
    if (node == null || errors.size() > MAX_ERRORS) {
      return;
    }
    if (node.isString()) {
      if (hasLoneSurrogate(node.asString())) {
        errors.add(new FieldError(name(at), "must be valid Unicode (it holds a lone surrogate)"));
      }
      return;
    }
    if (!node.isContainer()) {
      return;
    }
    if (depth >= MAX_DEPTH) {
      errors.add(new FieldError(name(at), "nests deeper than " + MAX_DEPTH + " levels"));
      return;
    }
    if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        walk(node.get(i), name(at) + "[" + i + "].", depth + 1, errors);
      }
      return;
    }
    for (Map.Entry<String, JsonNode> entry : node.properties()) {
      if (hasLoneSurrogate(entry.getKey())) {
        errors.add(new FieldError(name(at) + (at.isEmpty() ? "" : " ") + "key",
            "must be valid Unicode (a field name holds a lone surrogate)"));
        continue;
      }
      walk(entry.getValue(), at + entry.getKey() + ".", depth + 1, errors);
    }
  }

  private static String name(String at) {
    if (at.isEmpty()) {
      return "body";
    }
    return at.endsWith(".") ? at.substring(0, at.length() - 1) : at;
  }

  /** Whether {@code text} holds a C0 or C1 control character (NUL, newline, DEL, …). */
  public static boolean hasControl(String text) {
    for (int i = 0; i < text.length(); i++) {
      if (Character.isISOControl(text.charAt(i))) {
        return true;
      }
    }
    return false;
  }

  /** Whether {@code text} holds a surrogate that is not part of a well-formed pair. */
  public static boolean hasLoneSurrogate(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < text.length()
          && Character.isLowSurrogate(text.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return true;
      }
    }
    return false;
  }

  /** {@code text} with every lone surrogate replaced by U+FFFD; the same string when it has none. */
  public static String withoutLoneSurrogates(String text) {
    if (text == null || !hasLoneSurrogate(text)) {
      return text;
    }
    var out = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < text.length()
          && Character.isLowSurrogate(text.charAt(i + 1))) {
        out.append(c).append(text.charAt(++i));
      } else {
        out.append(Character.isSurrogate(c) ? '\uFFFD' : c);
      }
    }
    return out.toString();
  }
}
