package io.segmentrelay.sandbox;

import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A request body read as far as it could be: its events and body write key, or why it is not a
 * well-formed Segment request at all.
 *
 * @param events the events in arrival order (empty when {@code error} is set)
 * @param bodyWriteKey the {@code writeKey} field of the body, or null
 * @param error why the body is malformed, or null
 */
record ParsedRequest(List<ObjectNode> events, String bodyWriteKey, String error) {

  static ParsedRequest malformed(String error) {
    return new ParsedRequest(List.of(), null, error);
  }

  /** Whether an event carries {@code messageId}; used to match messageId-scoped faults. */
  boolean hasMessageId(String messageId) {
    for (ObjectNode event : events) {
      JsonNode id = event.get("messageId");
      if (id != null && id.isString() && id.asString().equals(messageId)) {
        return true;
      }
    }
    return false;
  }
}
