package io.segmentrelay.sandbox;

import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The sandbox's HTTP endpoints, independent of the HTTP server: both {@link SandboxServer} and the
 * relay's {@code /sandbox} controller route to these, so they answer identically.
 */
final class SandboxEndpoints {

  /**
   * The most either HTTP layer reads of a body: far above Segment's 500 KB (so oversized batches
   * still get Segment's 400) but bounded, so one request cannot exhaust memory.
   */
  static final int MAX_READ_BYTES = 16 * 1024 * 1024;

  private final SandboxReceiver receiver;

  private final JsonMapper mapper = SandboxReceiver.mapper();

  SandboxEndpoints(SandboxReceiver receiver) {
    this.receiver = receiver;
  }

  SandboxReceiver receiver() {
    return receiver;
  }

  /**
   * {@code POST /v1/batch}, {@code /v1/import}, {@code /b} or a single-call path such as {@code
   * /v1/identify}; 404 for any other {@code kind}.
   */
  SandboxResponse ingest(String kind, String authorization, String contentEncoding, byte[] body) {
    if (RequestKind.find(kind).isEmpty()) {
      return notFound();
    }
    return receiver.handle(kind, authorization, contentEncoding, body);
  }

  /**
   * The kind of a Segment path as clients post to it, without the {@code /sandbox} prefix: {@code
   * /v1/<kind>} (including {@code /v1/b} and analytics.js's {@code /v1/t} and the like) or {@code
   * /b}, with or without a trailing slash; null for others.
   */
  static String ingestKind(String path) {
    String trimmed = (path.length() > 1 && path.endsWith("/"))
        ? path.substring(0, path.length() - 1)
        : path;
    if (trimmed.equals("/b")) {
      return "b";
    }
    if (trimmed.startsWith("/v1/") && trimmed.indexOf('/', 4) < 0) {
      String kind = trimmed.substring(4);
      return RequestKind.find(kind).isPresent() ? kind : null;
    }
    return null;
  }

  /** {@code GET /events?writeKey=…}: what was accepted for one key. */
  SandboxResponse events(String writeKey) {
    if (writeKey == null || writeKey.isBlank()) {
      return error(400, "the writeKey query parameter is required");
    }
    if (!receiver.writeKeys().contains(writeKey)) {
      return error(404, "unknown write key");
    }
    ObjectNode view = mapper.createObjectNode().put("writeKey", writeKey);
    ArrayNode events = view.putArray("events");
    receiver.events(writeKey).forEach(events::add);
    SandboxStats stats = receiver.stats(writeKey);
    view.put("requests", stats.requests())
        .put("eventCount", stats.events())
        .put("duplicates", stats.duplicates())
        .put("faultedRequests", stats.faultedRequests())
        .put("recordMode", receiver.recordMode().name());
    return ok(view);
  }

  /** {@code GET /stats}: counters of every key, the total and the faults in force. */
  SandboxResponse stats() {
    ObjectNode view =
        mapper
            .createObjectNode()
            .put("totalEvents", receiver.totalEvents())
            .put("recordMode", receiver.recordMode().name());
    ObjectNode keys = view.putObject("writeKeys");
    for (Map.Entry<String, SandboxStats> entry : receiver.allStats().entrySet()) {
      keys.set(entry.getKey(), statsNode(entry.getValue()));
    }
    ArrayNode faults = view.putArray("faults");
    receiver.faults().forEach(rule -> faults.add(faultNode(rule)));
    return ok(view);
  }

  /** {@code POST /write-keys} with {@code {"writeKey":"…"}}. */
  SandboxResponse registerWriteKey(byte[] body) {
    JsonNode json = readObject(body);
    JsonNode key = (json == null) ? null : json.get("writeKey");
    if (key == null || !key.isString() || key.asString().isBlank()) {
      return error(400, "body must be {\"writeKey\":\"…\"} with a non-blank key");
    }
    receiver.registerWriteKey(key.asString());
    return ok(mapper.createObjectNode().put("writeKey", key.asString()).put("registered", true));
  }

  /** {@code POST /faults} with a {@link FaultRule} as JSON. */
  SandboxResponse addFault(byte[] body) {
    JsonNode json = readObject(body);
    if (json == null) {
      return error(400, "body must be a fault rule as a JSON object");
    }
    try {
      FaultRule rule = FaultRule.fromJson(json);
      receiver.addFault(rule);
      return ok(mapper.createObjectNode().set("fault", faultNode(rule)));
    } catch (IllegalArgumentException ex) {
      return error(400, ex.getMessage());
    }
  }

  /** {@code DELETE /faults}. */
  SandboxResponse clearFaults() {
    receiver.clearFaults();
    return ok(mapper.createObjectNode().put("cleared", true));
  }

  /** {@code DELETE /events}: forget what was recorded. */
  SandboxResponse reset() {
    receiver.reset();
    return ok(mapper.createObjectNode().put("reset", true));
  }

  /** The answer for a body over {@link #MAX_READ_BYTES}. */
  SandboxResponse tooLarge() {
    return error(413, "request body is larger than " + MAX_READ_BYTES + " bytes");
  }

  /** The answer for a path or method the sandbox does not serve. */
  SandboxResponse notFound() {
    return error(404, "no such sandbox endpoint");
  }

  private JsonNode readObject(byte[] body) {
    try {
      JsonNode json = mapper.readTree(body);
      return (json != null && json.isObject()) ? json : null;
    } catch (JacksonException ex) {
      return null;
    }
  }

  private ObjectNode statsNode(SandboxStats stats) {
    return mapper
        .createObjectNode()
        .put("requests", stats.requests())
        .put("events", stats.events())
        .put("duplicates", stats.duplicates())
        .put("faultedRequests", stats.faultedRequests());
  }

  ObjectNode faultNode(FaultRule rule) {
    ObjectNode node = mapper.createObjectNode();
    if (rule.status() != 0) {
      node.put("status", rule.status());
    }
    putIfPresent(node, "retryAfter", rule.retryAfter());
    if (rule.latencyMs() != 0) {
      node.put("latencyMs", rule.latencyMs());
    }
    if (rule.drop()) {
      node.put("drop", true);
    }
    node.put("times", rule.times());
    putIfPresent(node, "writeKey", rule.writeKey());
    putIfPresent(node, "messageId", rule.messageId());
    return node;
  }

  private static void putIfPresent(ObjectNode node, String name, String value) {
    if (value != null) {
      node.put(name, value);
    }
  }

  private SandboxResponse ok(JsonNode body) {
    return SandboxResponse.json(200, mapper.writeValueAsString(body));
  }

  private SandboxResponse error(int status, String message) {
    ObjectNode body = mapper.createObjectNode().put("success", false).put("message", message);
    return SandboxResponse.json(status, mapper.writeValueAsString(body));
  }
}
