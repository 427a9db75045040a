package io.segmentrelay.track;

import java.time.Instant;
import tools.jackson.databind.node.ObjectNode;

/**
 * A validated survey event from the platform. Optional fields are null when not given.
 *
 * @param references the platform's own references; may be null
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
    ObjectNode references) {}
