package io.segmentrelay.delivery;

import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * Checks a track call against what Segment would reject or silently drop (L4), so such an event
 * fails at once with a reason instead of being sent.
 */
final class Preflight {

  /** Segment drops a single event over 32 KB. */
  static final int MAX_EVENT_BYTES = 32 * 1024;

  static final int MAX_MESSAGE_ID = 100;

  private Preflight() {}

  /** Why the event cannot be sent, or empty when it can. */
  static Optional<String> problem(int bytes, JsonNode call) {
    if (bytes > MAX_EVENT_BYTES) {
      return Optional.of(
          "Event is " + bytes + " bytes; Segment drops events over 32 KB (" + MAX_EVENT_BYTES
              + " bytes). Send fewer or smaller traits or references.");
    }
    if (blank(call, "userId") && blank(call, "anonymousId")) {
      return Optional.of("Event has neither userId nor anonymousId; Segment rejects it");
    }
    if (blank(call, "event")) {
      return Optional.of("Event has no event name; Segment rejects it");
    }
    var messageId = call.get("messageId");
    if (messageId != null && messageId.asString().length() > MAX_MESSAGE_ID) {
      return Optional.of("messageId is over " + MAX_MESSAGE_ID + " characters; Segment rejects it");
    }
    return Optional.empty();
  }

  private static boolean blank(JsonNode call, String field) {
    var node = call.get(field);
    return node == null || !node.isString() || node.asString().isBlank();
  }
}
