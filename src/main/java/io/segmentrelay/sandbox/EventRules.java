package io.segmentrelay.sandbox;

import java.util.List;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Segment's per-event rules: the ones that make Segment reject an event or silently drop it. The
 * sandbox answers 400 for all of them, so that a client bug shows up in tests instead of vanishing.
 */
final class EventRules {

  /** Segment's limit for one event: 32 KB of its JSON. */
  static final int MAX_EVENT_BYTES = 32_768;

  /** Segment's limit for a messageId. */
  static final int MAX_MESSAGE_ID_CHARS = 100;

  private static final Set<String> TYPES =
      Set.of("track", "identify", "page", "screen", "group", "alias");

  private final JsonMapper mapper;

  EventRules(JsonMapper mapper) {
    this.mapper = mapper;
  }

  /** The first broken rule, prefixed with the batch index for batches, or null when all pass. */
  String firstViolation(RequestKind kind, List<ObjectNode> events) {
    for (int i = 0; i < events.size(); i++) {
      String problem = violation(events.get(i));
      if (problem != null) {
        return kind.single() ? problem : "batch[" + i + "]: " + problem;
      }
    }
    return null;
  }

  private String violation(ObjectNode event) {
    if (mapper.writeValueAsBytes(event).length > MAX_EVENT_BYTES) {
      return "event is larger than 32 KB (" + MAX_EVENT_BYTES + " bytes)";
    }
    String type = event.path("type").isString() ? event.path("type").asString() : null;
    if (type == null || !TYPES.contains(type)) {
      return "type must be one of " + TYPES;
    }
    if (!isId(event.get("userId")) && !isId(event.get("anonymousId"))) {
      return "userId or anonymousId is required";
    }
    if (type.equals("track") && !isNonBlankString(event.get("event"))) {
      return "event is required for a track call";
    }
    return messageIdViolation(event.get("messageId"));
  }

  private static String messageIdViolation(JsonNode messageId) {
    if (messageId == null || messageId.isNull()) {
      return null;
    }
    if (!messageId.isString()) {
      return "messageId must be a string";
    }
    if (messageId.asString().length() > MAX_MESSAGE_ID_CHARS) {
      return "messageId is longer than " + MAX_MESSAGE_ID_CHARS + " characters";
    }
    return null;
  }

  private static boolean isId(JsonNode id) {
    return isNonBlankString(id) || (id != null && id.isNumber());
  }

  private static boolean isNonBlankString(JsonNode value) {
    return value != null && value.isString() && !value.asString().isBlank();
  }
}
