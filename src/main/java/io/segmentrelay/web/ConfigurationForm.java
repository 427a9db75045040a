package io.segmentrelay.web;

import io.segmentrelay.integration.Integration;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The configuration form: name, write key and destination endpoint. On an existing integration a
 * blank write key keeps the saved one, which the form never shows, only its mask.
 */
record ConfigurationForm(String name, String writeKey, String endpoint) {

  static ConfigurationForm blank() {
    return new ConfigurationForm("Segment", "", "https://api.segment.io");
  }

  static ConfigurationForm of(Integration integration) {
    return new ConfigurationForm(integration.name(), "", integration.endpoint());
  }

  /** The management API's create body. */
  ObjectNode createBody(JsonMapper json) {
    var body = json.createObjectNode();
    body.put("type", "segment");
    body.put("name", orEmpty(name));
    body.put("writeKey", orEmpty(writeKey).strip());
    body.put("endpoint", orEmpty(endpoint));
    return body;
  }

  /** The management API's update body; the write key only when one was entered. */
  ObjectNode updateBody(JsonMapper json) {
    var body = json.createObjectNode();
    body.put("name", orEmpty(name));
    body.put("endpoint", orEmpty(endpoint));
    if (writeKey != null && !writeKey.isBlank()) {
      body.put("writeKey", writeKey.strip());
    }
    return body;
  }

  /** The same form without the secret, to show again after a failed save. */
  ConfigurationForm withoutWriteKey() {
    return new ConfigurationForm(name, "", endpoint);
  }

  private static String orEmpty(String value) {
    return value == null ? "" : value;
  }
}
