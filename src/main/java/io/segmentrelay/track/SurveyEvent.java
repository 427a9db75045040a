package io.segmentrelay.track;

import java.time.Instant;
import tools.jackson.databind.node.ObjectNode;

/**
 * A validated event from the platform: a lifecycle event, or a custom one the platform's
 * customer sends under its own name. Optional fields are null when not given.
 *
 * @param type the lifecycle event; null for a custom event
 * @param references the platform's own references; may be null
 * @param name a custom event's name; null for a lifecycle event
 * @param properties a custom event's own properties; may be null
 */
public record SurveyEvent(
    String id,
    LifecycleEvent type,
    Instant timestamp,
    String surveyId,
    String responseId,
    String userId,
    String anonymousId,
    ObjectNode traits,
    String pagePath,
    String pageReferrer,
    String locale,
    ObjectNode references,
    String name,
    ObjectNode properties) {

  /** The wire type of custom events. */
  public static final String CUSTOM = "custom";

  /** A lifecycle event. */
  public SurveyEvent(
      String id, LifecycleEvent type, Instant timestamp, String surveyId, String responseId,
      String userId, String anonymousId, ObjectNode traits, String pagePath, String pageReferrer,
      String locale, ObjectNode references) {
    this(id, type, timestamp, surveyId, responseId, userId, anonymousId, traits, pagePath,
        pageReferrer, locale, references, null, null);
  }

  public boolean custom() {
    return type == null;
  }

  /** The wire type: a lifecycle key, or {@code custom}. */
  public String typeKey() {
    return type == null ? CUSTOM : type.key();
  }
}
