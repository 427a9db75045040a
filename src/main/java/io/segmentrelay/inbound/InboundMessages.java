package io.segmentrelay.inbound;

import io.segmentrelay.system.FieldError;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Reads what Segment sends: one message, or {@code {"batch": [...]}} as its HTTP API and
 * libraries send it, each message in Segment's spec shape. Every invalid field is reported, with
 * its batch index, before anything is stored.
 */
final class InboundMessages {

  static final int MAX_BATCH = 2500;
  private static final int MAX_ID = 200;

  private InboundMessages() {}

  /**
   * One message, with what the relay uses of it.
   *
   * @param previousId an alias's previous id; null for other types
   * @param traits an identify's traits; null for other types
   */
  record Message(
      String type, String messageId, String userId, String anonymousId, String previousId,
      ObjectNode traits) {}

  record Result(List<Message> messages, List<FieldError> errors) {}

  static Result parse(JsonNode body) {
    var errors = new ArrayList<FieldError>();
    if (body == null || !body.isObject()) {
      errors.add(new FieldError("body", "must be a Segment message or {\"batch\": [...]}"));
      return new Result(List.of(), errors);
    }
    var messages = new ArrayList<Message>();
    if (!body.has("batch")) {
      messages.add(message(body, "", errors));
    } else {
      var batch = body.get("batch");
      if (!batch.isArray() || batch.size() > MAX_BATCH) {
        errors.add(new FieldError("batch", "must be an array of at most " + MAX_BATCH + " messages"));
        return new Result(List.of(), errors);
      }
      for (int i = 0; i < batch.size(); i++) {
        messages.add(message(batch.get(i), "batch[" + i + "].", errors));
      }
    }
    return new Result(errors.isEmpty() ? messages : List.of(), errors);
  }

  private static Message message(JsonNode node, String at, List<FieldError> errors) {
    if (!node.isObject()) {
      errors.add(new FieldError(at.isEmpty() ? "body" : at.substring(0, at.length() - 1),
          "must be a message object"));
      return null;
    }
    var type = string(node, at, "type", 20, true, errors);
    var messageId = string(node, at, "messageId", MAX_ID, true, errors);
    var userId = string(node, at, "userId", MAX_ID, false, errors);
    var anonymousId = string(node, at, "anonymousId", MAX_ID, false, errors);
    String previousId = null;
    ObjectNode traits = null;
    if ("identify".equals(type)) {
      if (absent(node, "userId") && absent(node, "anonymousId")) {
        errors.add(new FieldError(at + "userId", "userId or anonymousId is required"));
      }
      var traitsNode = node.get("traits");
      if (traitsNode != null && !traitsNode.isNull()) {
        if (traitsNode.isObject()) {
          traits = (ObjectNode) traitsNode;
        } else {
          errors.add(new FieldError(at + "traits", "must be an object"));
        }
      }
    } else if ("alias".equals(type)) {
      previousId = string(node, at, "previousId", MAX_ID, true, errors);
      if (absent(node, "userId")) {
        errors.add(new FieldError(at + "userId", "is required"));
      }
    }
    return new Message(type, messageId, userId, anonymousId, previousId, traits);
  }

  private static boolean absent(JsonNode node, String field) {
    return node.get(field) == null || node.get(field).isNull();
  }

  /**
   * A string field. Segment's libraries send ids as strings, though its HTTP API takes a number
   * as a userId too; a number is read as its text.
   */
  private static String string(
      JsonNode node, String at, String field, int max, boolean required, List<FieldError> errors) {
    var value = node.get(field);
    if (value == null || value.isNull()) {
      if (required) {
        errors.add(new FieldError(at + field, "is required"));
      }
      return null;
    }
    if (!value.isString() && !value.isIntegralNumber()) {
      errors.add(new FieldError(at + field, "must be a string"));
      return null;
    }
    var text = value.asString();
    if (text.isEmpty() || text.length() > max) {
      errors.add(new FieldError(at + field, "must be 1–" + max + " characters"));
      return null;
    }
    return text;
  }
}
