package io.segmentrelay.sandbox;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A request body read as far as it could be: its events and body write key, or why it is not a
 * well-formed Segment request at all.
 *
 * @param events the events in arrival order (empty when {@code error} is set)
 * @param bodyWriteKey the {@code writeKey} field of the body, or null
 * @param error why the body is malformed, or null
 */
record ParsedRequest(List<ObjectNode> events, String bodyWriteKey, String error) {

	static ParsedRequest malformed(String error) {
		return new ParsedRequest(List.of(), null, error);
	}

	/** The string messageIds of the events, used to match messageId-scoped faults. */
	Set<String> messageIds() {
		Set<String> ids = new LinkedHashSet<>();
		for (ObjectNode event : events) {
			JsonNode id = event.get("messageId");
			if (id != null && id.isString()) {
				ids.add(id.asString());
			}
		}
		return ids;
	}
}
