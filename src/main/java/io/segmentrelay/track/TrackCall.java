package io.segmentrelay.track;

import io.segmentrelay.identity.Identity;
import io.segmentrelay.system.Ids;
import java.io.StringWriter;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Builds the Segment track call for an event: a pure function of its inputs, frozen as JSON when
 * the event is accepted. {@code sentAt} is not part of it: it is set at each attempt.
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

  /**
   * The most bytes a frozen call may have: Segment drops events over 32 KB, and each attempt adds
   * its {@code sentAt} (under 64 bytes).
   */
  public static final int MAX_BYTES = 32 * 1024 - 64;

  /** Properties the relay always sets: a custom event's own properties never replace them. */
  public static final List<String> ALWAYS_SENT =
      List.of("app_id", "organization_id", "traits", "identities", "references");

  /**
   * The property names of this event's track call that the relay sets itself, in the order it
   * writes them: a custom property of the same name is left out.
   */
  public static Set<String> reservedProperties(SurveyEvent event) {
    var reserved = new LinkedHashSet<String>();
    if (event.responseId() != null) {
      reserved.add("response_id");
    }
    if (event.surveyId() != null) {
      reserved.add("survey_id");
    }
    reserved.addAll(ALWAYS_SENT);
    return reserved;
  }

  /** The longest note kept with a delivery. */
  private static final int MAX_NOTE = 500;

  /**
   * A track call frozen as JSON, with its message id.
   *
   * @param note what the relay changed to make it sendable, for the delivery log; null if nothing
   */
  public record Frozen(String messageId, String json, String note) {}

  /**
   * The track call of an event, written straight to JSON: every accepted event passes through
   * here, so no tree of it is built first. The person's traits are a snapshot of a profile that
   * only grows, so when they would take the call over Segment's limit, the call carries as many
   * of them as fit, and says so in its note: one oversized trait must not keep every later event
   * of that person from being delivered.
   */
  public static Frozen freeze(
      JsonMapper json, SurveyEvent event, Identity identity, Target target) {
    var messageId = messageId(target.integrationId(), target.appId(), event.id());
    var traits = identity.traits();
    var call = write(json, event, identity, traits, target, messageId);
    if (traits == null || traits.isEmpty() || fits(call)) {
      return new Frozen(messageId, call, null);
    }
    var room = MAX_BYTES - utf8Length(write(json, event, identity, null, target, messageId))
        - utf8Length(",\"traits\":{}");
    var kept = json.createObjectNode();
    var left = new ArrayList<String>();
    for (var trait : traits.properties()) {
      int size = utf8Length(json.writeValueAsString(trait.getKey())) + 1
          + utf8Length(json.writeValueAsString(trait.getValue())) + (kept.isEmpty() ? 0 : 1);
      if (size <= room) {
        kept.set(trait.getKey(), trait.getValue());
        room -= size;
      } else {
        left.add(trait.getKey());
      }
    }
    var note = "Traits trimmed to fit Segment's 32 KB limit: " + left.size() + " of "
        + traits.size() + " left out (" + String.join(", ", left) + ")";
    if (note.length() > MAX_NOTE) {
      note = note.substring(0, MAX_NOTE - 2) + "…)";
    }
    return new Frozen(messageId,
        write(json, event, identity, kept.isEmpty() ? null : kept, target, messageId), note);
  }

  private static boolean fits(String call) {
    return call.length() * 3 <= MAX_BYTES || utf8Length(call) <= MAX_BYTES;
  }

  /** Bytes of {@code text} in UTF-8, without encoding it. */
  static int utf8Length(String text) {
    int bytes = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < 0x80) {
        bytes += 1;
      } else if (c < 0x800) {
        bytes += 2;
      } else if (Character.isHighSurrogate(c) && i + 1 < text.length()
          && Character.isLowSurrogate(text.charAt(i + 1))) {
        bytes += 4;
        i++;
      } else {
        bytes += 3;
      }
    }
    return bytes;
  }

  private static String write(JsonMapper json, SurveyEvent event, Identity identity,
      ObjectNode traits, Target target, String messageId) {
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
      properties(call, event, identity, traits, target);
      call.writeEndObject();
    }
    return out.toString();
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
      JsonGenerator call, SurveyEvent event, Identity identity, ObjectNode traits, Target target) {
    call.writeObjectPropertyStart("properties");
    writeIfPresent(call, "response_id", event.responseId());
    writeIfPresent(call, "survey_id", event.surveyId());
    call.writeStringProperty("app_id", target.appId());
    call.writeStringProperty("organization_id", target.organizationId());
    if (traits != null && !traits.isEmpty()) {
      call.writeName("traits");
      call.writeTree(traits);
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
    if (event.properties() != null && !event.properties().isEmpty()) {
      var reserved = reservedProperties(event);
      for (var property : event.properties().properties()) {
        if (!reserved.contains(property.getKey())) {
          call.writeName(property.getKey());
          call.writeTree(property.getValue());
        }
      }
    }
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
