package io.segmentrelay.track;

import io.segmentrelay.identity.Identity;
import io.segmentrelay.system.Ids;
import java.io.StringWriter;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.UUID;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.json.JsonMapper;

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

  /** A track call frozen as JSON, with its message id. */
  public record Frozen(String messageId, String json) {}

  /**
   * The track call of an event, written straight to JSON: every accepted event passes through
   * here, so no tree of it is built first.
   */
  public static Frozen freeze(
      JsonMapper json, SurveyEvent event, Identity identity, Target target) {
    var messageId = messageId(target.integrationId(), target.appId(), event.id());
    var out = new StringWriter(1024);
    try (var call = json.createGenerator(out)) {
      call.writeStartObject();
      call.writeStringProperty("type", "track");
      call.writeStringProperty("event", target.eventName());
      writeIfPresent(call, "userId", identity.userId());
      call.writeStringProperty("anonymousId", identity.anonymousId());
      call.writeStringProperty("messageId", messageId);
      call.writeStringProperty("timestamp", iso(event.timestamp()));
      context(call, event, target);
      properties(call, event, identity, target);
      call.writeEndObject();
    }
    return new Frozen(messageId, out.toString());
  }

  private static void context(JsonGenerator call, SurveyEvent event, Target target) {
    call.writeObjectPropertyStart("context");
    if (event.pagePath() != null || event.pageReferrer() != null) {
      call.writeObjectPropertyStart("page");
      writeIfPresent(call, "path", event.pagePath());
      writeIfPresent(call, "referrer", event.pageReferrer());
      call.writeEndObject();
    }
    writeIfPresent(call, "locale", event.locale());
    call.writeObjectPropertyStart("library");
    call.writeStringProperty("name", "segment-relay");
    call.writeStringProperty("version", target.libraryVersion());
    call.writeEndObject();
    call.writeEndObject();
  }

  private static void properties(
      JsonGenerator call, SurveyEvent event, Identity identity, Target target) {
    call.writeObjectPropertyStart("properties");
    writeIfPresent(call, "response_id", event.responseId());
    writeIfPresent(call, "survey_id", event.surveyId());
    call.writeStringProperty("app_id", target.appId());
    call.writeStringProperty("organization_id", target.organizationId());
    if (identity.traits() != null && !identity.traits().isEmpty()) {
      call.writeName("traits");
      call.writeTree(identity.traits());
    }
    call.writeArrayPropertyStart("identities");
    if (identity.userId() != null) {
      identity(call, "user_id", identity.userId());
    }
    identity(call, "anonymous_id", identity.anonymousId());
    call.writeEndArray();
    // The platform's references, with the event's own id (which takes the place of one sent).
    call.writeObjectPropertyStart("references");
    boolean eventIdWritten = false;
    if (event.references() != null) {
      for (var reference : event.references().properties()) {
        if (reference.getKey().equals("event_id")) {
          call.writeStringProperty("event_id", event.id());
          eventIdWritten = true;
        } else {
          call.writeName(reference.getKey());
          call.writeTree(reference.getValue());
        }
      }
    }
    if (!eventIdWritten) {
      call.writeStringProperty("event_id", event.id());
    }
    call.writeEndObject();
    call.writeEndObject();
  }

  private static void identity(JsonGenerator call, String type, String value) {
    call.writeStartObject();
    call.writeStringProperty("type", type);
    call.writeStringProperty("value", value);
    call.writeEndObject();
  }

  private static void writeIfPresent(JsonGenerator call, String field, String value) {
    if (value != null && !value.isEmpty()) {
      call.writeStringProperty(field, value);
    }
  }
}
