package io.segmentrelay.sandbox;

import java.util.ArrayList;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** Reads a Segment request body into its events, checking only its overall shape. */
final class RequestParser {

  private final JsonMapper mapper;

  RequestParser(JsonMapper mapper) {
    this.mapper = mapper;
  }

  /** Reads a body already decoded by {@link RequestBody} (and so within Segment's size limit). */
  ParsedRequest parse(RequestKind kind, byte[] body) {
    JsonNode root;
    try {
      root = mapper.readTree(body);
    } catch (JacksonException ex) {
      return ParsedRequest.malformed("malformed JSON: " + ex.getOriginalMessage());
    }
    if (root == null || !root.isObject()) {
      return ParsedRequest.malformed("request body must be a JSON object");
    }
    String bodyWriteKey =
        root.path("writeKey").isString() ? root.path("writeKey").asString() : null;
    return kind.single()
        ? single(kind, (ObjectNode) root, bodyWriteKey)
        : batch(root, bodyWriteKey);
  }

  private static ParsedRequest single(RequestKind kind, ObjectNode event, String bodyWriteKey) {
    // The endpoint implies the type; recording it keeps recorded events uniform across endpoints.
    if (!event.has("type")) {
      event.put("type", kind.type());
    }
    return new ParsedRequest(List.of(event), bodyWriteKey, null);
  }

  private static ParsedRequest batch(JsonNode root, String bodyWriteKey) {
    JsonNode batch = root.get("batch");
    if (batch == null || !batch.isArray()) {
      return ParsedRequest.malformed("batch must be an array of events");
    }
    List<ObjectNode> events = new ArrayList<>(batch.size());
    for (int i = 0; i < batch.size(); i++) {
      if (!batch.get(i).isObject()) {
        return ParsedRequest.malformed("batch[" + i + "] must be a JSON object");
      }
      events.add((ObjectNode) batch.get(i));
    }
    return new ParsedRequest(List.copyOf(events), bodyWriteKey, null);
  }
}
