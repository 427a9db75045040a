package io.segmentrelay.ingest;

import io.segmentrelay.system.FieldError;
import io.segmentrelay.system.Timestamps;
import io.segmentrelay.track.LifecycleEvent;
import io.segmentrelay.track.SurveyEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Validates the body of {@code POST /v1/events}: every invalid field is reported, with
 * its batch index, before anything is stored.
 */
final class EventParser {

  static final int MAX_BATCH = 500;
  private static final int MAX_ID = 100;
  private static final int MAX_IDENTIFIER = 200;
  private static final int MAX_TEXT = 2000;

  private EventParser() {}

  /** The parsed events, or the errors found; never both. */
  record Result(List<SurveyEvent> events, List<FieldError> errors) {}

  static Result parse(JsonNode body) {
    var errors = new ArrayList<FieldError>();
    if (body == null || !body.isObject()) {
      errors.add(new FieldError("body", "must be an event object or {\"batch\": [...]}"));
      return new Result(List.of(), errors);
    }
    if (!body.has("batch")) {
      var event = parseEvent(body, "", errors);
      return new Result(errors.isEmpty() ? List.of(event) : List.of(), errors);
    }
    var batch = body.get("batch");
    if (!batch.isArray() || batch.isEmpty() || batch.size() > MAX_BATCH) {
      errors.add(new FieldError("batch", "must be an array of 1–" + MAX_BATCH + " events"));
      return new Result(List.of(), errors);
    }
    var events = new ArrayList<SurveyEvent>();
    for (int i = 0; i < batch.size(); i++) {
      events.add(parseEvent(batch.get(i), "batch[" + i + "].", errors));
    }
    return new Result(errors.isEmpty() ? events : List.of(), errors);
  }

  private static SurveyEvent parseEvent(JsonNode node, String at, List<FieldError> errors) {
    if (!node.isObject()) {
      errors.add(new FieldError(at.isEmpty() ? "body" : at.substring(0, at.length() - 1),
          "must be an event object"));
      return null;
    }
    var fields = new Fields(node, at, errors);
    var id = fields.requiredString("id", MAX_ID);
    var type = type(fields);
    var timestamp = timestamp(fields);
    var userId = fields.optionalString("userId", MAX_IDENTIFIER);
    var anonymousId = fields.optionalString("anonymousId", MAX_IDENTIFIER);
    if (userId == null && anonymousId == null && fields.absent("userId") && fields.absent("anonymousId")) {
      errors.add(new FieldError(at + "userId", "userId or anonymousId is required"));
    }
    var page = fields.optionalObject("page");
    var pageFields = page == null ? null : new Fields(page, at + "page.", errors);
    return new SurveyEvent(
        id,
        type,
        timestamp,
        fields.optionalString("surveyId", MAX_IDENTIFIER),
        fields.optionalString("responseId", MAX_IDENTIFIER),
        userId,
        anonymousId,
        fields.optionalObject("traits"),
        pageFields == null ? null : pageFields.optionalString("path", MAX_TEXT),
        pageFields == null ? null : pageFields.optionalString("referrer", MAX_TEXT),
        fields.optionalString("locale", 35),
        fields.optionalObject("references"));
  }

  private static LifecycleEvent type(Fields fields) {
    var type = fields.requiredString("type", 40);
    if (type == null) {
      return null;
    }
    var event = LifecycleEvent.fromKey(type);
    if (event.isEmpty()) {
      fields.error("type", "must be flow_viewed, flow_dismissed or response_submitted");
    }
    return event.orElse(null);
  }

  private static Instant timestamp(Fields fields) {
    var text = fields.requiredString("timestamp", 40);
    if (text == null) {
      return null;
    }
    var instant = Timestamps.parse(text);
    if (instant.isEmpty()) {
      fields.error("timestamp", Timestamps.INVALID);
    }
    return instant.orElse(null);
  }

  /** Typed reads of one object's fields, reporting errors under a prefix. */
  private record Fields(JsonNode node, String at, List<FieldError> errors) {

    void error(String field, String message) {
      errors.add(new FieldError(at + field, message));
    }

    boolean absent(String field) {
      var value = node.get(field);
      return value == null || value.isNull();
    }

    String requiredString(String field, int max) {
      if (absent(field)) {
        error(field, "is required");
        return null;
      }
      return optionalString(field, max);
    }

    String optionalString(String field, int max) {
      if (absent(field)) {
        return null;
      }
      var value = node.get(field);
      if (!value.isString()) {
        error(field, "must be a string");
        return null;
      }
      var text = value.asString();
      if (text.isEmpty() || text.length() > max) {
        error(field, "must be 1–" + max + " characters");
        return null;
      }
      return text;
    }

    ObjectNode optionalObject(String field) {
      if (absent(field)) {
        return null;
      }
      var value = node.get(field);
      if (!value.isObject()) {
        error(field, "must be an object");
        return null;
      }
      return (ObjectNode) value;
    }
  }
}
