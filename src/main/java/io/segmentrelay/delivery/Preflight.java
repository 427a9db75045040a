package io.segmentrelay.delivery;

import java.util.Optional;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.json.JsonMapper;

/**
 * Checks a track call against what Segment would reject or silently drop, so such an event
 * fails at once with a reason instead of being sent.
 */
final class Preflight {

  /** Segment drops a single event over 32 KB. */
  static final int MAX_EVENT_BYTES = 32 * 1024;

  static final int MAX_MESSAGE_ID = 100;

  private Preflight() {}

  /**
   * Why the event cannot be sent, or empty when it can. Reads only the call's top-level fields,
   * skipping nested ones, and stops once the fields that decide it are read: the relay writes
   * them first, so every delivery passing through here on its way out costs a few tokens.
   */
  static Optional<String> problem(int bytes, String call, JsonMapper json) {
    if (bytes > MAX_EVENT_BYTES) {
      return Optional.of(
          "Event is " + bytes + " bytes; Segment drops events over 32 KB (" + MAX_EVENT_BYTES
              + " bytes). Send fewer or smaller traits or references.");
    }
    String userId = null;
    String anonymousId = null;
    String event = null;
    String messageId = null;
    try (var parser = json.createParser(call)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        return Optional.of("Event is not a JSON object; Segment rejects it");
      }
      while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
        var name = parser.currentName();
        if (parser.nextToken() != JsonToken.VALUE_STRING) {
          parser.skipChildren();
          continue;
        }
        switch (name) {
          case "userId" -> userId = parser.getString();
          case "anonymousId" -> anonymousId = parser.getString();
          case "event" -> event = parser.getString();
          case "messageId" -> messageId = parser.getString();
          default -> { }
        }
        if (event != null && messageId != null && (!blank(userId) || !blank(anonymousId))) {
          break; // no later field can change the verdict
        }
      }
    }
    if (blank(userId) && blank(anonymousId)) {
      return Optional.of("Event has neither userId nor anonymousId; Segment rejects it");
    }
    if (blank(event)) {
      return Optional.of("Event has no event name; Segment rejects it");
    }
    if (messageId != null && messageId.length() > MAX_MESSAGE_ID) {
      return Optional.of("messageId is over " + MAX_MESSAGE_ID + " characters; Segment rejects it");
    }
    return Optional.empty();
  }

  private static boolean blank(String value) {
    return value == null || value.isBlank();
  }
}
