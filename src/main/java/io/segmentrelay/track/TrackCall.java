package io.segmentrelay.track;

import io.segmentrelay.identity.Identity;
import io.segmentrelay.system.Ids;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.UUID;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Builds the Segment track call for an event (T1–T4): a pure function of its inputs, frozen as
 * JSON when the event is accepted. {@code sentAt} is not part of it: it is set at each attempt.
 */
public final class TrackCall {

  /** Namespace of message ids: UUID v5 of integration, app and event id. */
  private static final UUID MESSAGE_ID_NAMESPACE =
      UUID.fromString("2d0f5a8c-7e3b-5c19-a4d6-1b9e0c7f3a52");

  private static final DateTimeFormatter ISO_MILLIS =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  private TrackCall() {}

  /** Where the event came from and where it goes. */
  public record Target(
      String organizationId, String appId, String integrationId, String eventName,
      String libraryVersion) {}

  /**
   * The message id: stable per event and integration, globally unique, 40 characters. Derived, so
   * computing it twice gives the same value.
   */
  public static String messageId(String integrationId, String appId, String eventId) {
    return "rly-" + Ids.uuidV5(MESSAGE_ID_NAMESPACE, integrationId + "\n" + appId + "\n" + eventId);
  }

  /** Formats an instant as Segment expects it: ISO 8601, UTC, milliseconds. */
  public static String iso(Instant instant) {
    return ISO_MILLIS.format(instant);
  }

  public static ObjectNode build(
      JsonMapper json, SurveyEvent event, Identity identity, Target target) {
    var call = json.createObjectNode();
    call.put("type", "track");
    call.put("event", target.eventName());
    putIfPresent(call, "userId", identity.userId());
    call.put("anonymousId", identity.anonymousId());
    call.put("messageId", messageId(target.integrationId(), target.appId(), event.id()));
    call.put("timestamp", iso(event.timestamp()));
    call.set("context", context(json, event, target));
    call.set("properties", properties(json, event, identity, target));
    return call;
  }

  private static ObjectNode context(JsonMapper json, SurveyEvent event, Target target) {
    var context = json.createObjectNode();
    if (event.pagePath() != null || event.pageReferrer() != null) {
      var page = context.putObject("page");
      putIfPresent(page, "path", event.pagePath());
      putIfPresent(page, "referrer", event.pageReferrer());
    }
    putIfPresent(context, "locale", event.locale());
    context.putObject("library").put("name", "segment-relay").put("version", target.libraryVersion());
    return context;
  }

  private static ObjectNode properties(
      JsonMapper json, SurveyEvent event, Identity identity, Target target) {
    var properties = json.createObjectNode();
    putIfPresent(properties, "response_id", event.responseId());
    putIfPresent(properties, "survey_id", event.surveyId());
    properties.put("app_id", target.appId());
    properties.put("organization_id", target.organizationId());
    if (identity.traits() != null && !identity.traits().isEmpty()) {
      properties.set("traits", identity.traits().deepCopy());
    }
    properties.set("identities", identities(json, identity));
    var references = json.createObjectNode();
    if (event.references() != null) {
      references.setAll(event.references().deepCopy());
    }
    references.put("event_id", event.id());
    properties.set("references", references);
    return properties;
  }

  private static ArrayNode identities(JsonMapper json, Identity identity) {
    var list = json.createArrayNode();
    if (identity.userId() != null) {
      list.addObject().put("type", "user_id").put("value", identity.userId());
    }
    list.addObject().put("type", "anonymous_id").put("value", identity.anonymousId());
    return list;
  }

  private static void putIfPresent(ObjectNode node, String field, String value) {
    if (value != null && !value.isEmpty()) {
      node.put(field, value);
    }
  }
}
