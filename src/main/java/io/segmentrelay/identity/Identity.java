package io.segmentrelay.identity;

import tools.jackson.databind.node.ObjectNode;

/**
 * The identity an event is sent under.
 *
 * @param userId the user id given or stitched; null when unknown
 * @param anonymousId always present: given, linked, or derived from organization and user id
 * @param traits the profile's traits at acceptance (a snapshot); null when there are none
 */
public record Identity(
    String userId, String anonymousId, ObjectNode traits) {}
