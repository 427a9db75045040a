package io.segmentrelay.sandbox;

import java.time.Instant;
import tools.jackson.databind.JsonNode;

/**
 * One event the sandbox accepted, as it arrived, with the time the sandbox received it.
 *
 * @param event the event JSON as sent (for {@code /v1/track}, {@code "type":"track"} is added when
 *     missing); treat it as read-only
 * @param receivedAt when the request carrying it was received, read from the sandbox's clock
 */
public record ReceivedEvent(JsonNode event, Instant receivedAt) {}
