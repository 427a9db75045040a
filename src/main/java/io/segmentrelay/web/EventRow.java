package io.segmentrelay.web;

import io.segmentrelay.integration.EventSettings;
import io.segmentrelay.track.LifecycleEvent;
import java.util.Arrays;
import java.util.List;
import org.springframework.util.MultiValueMap;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * One row of the Events section: a lifecycle event, whether it is forwarded and its name in
 * Segment. The form posts {@code <key>.enabled} (a checkbox, absent when off) and {@code
 * <key>.name} per event.
 */
record EventRow(String key, String canonicalName, String description, boolean enabled, String name) {

  static List<EventRow> of(EventSettings settings) {
    return Arrays.stream(LifecycleEvent.values())
        .map(e -> row(e, settings.of(e).enabled(), settings.of(e).name()))
        .toList();
  }

  /** The rows as submitted, to show again next to their errors. */
  static List<EventRow> submitted(MultiValueMap<String, String> form) {
    return Arrays.stream(LifecycleEvent.values())
        .map(e -> row(e, form.containsKey(e.key() + ".enabled"), value(form, e.key() + ".name")))
        .toList();
  }

  /** The management API's {@code events} patch for the submitted form. */
  static ObjectNode patch(MultiValueMap<String, String> form, JsonMapper json) {
    var events = json.createObjectNode();
    for (var row : submitted(form)) {
      events.putObject(row.key()).put("enabled", row.enabled()).put("name", row.name());
    }
    var body = json.createObjectNode();
    body.set("events", events);
    CustomEventForm.patch(form, body);
    return body;
  }

  /** The error key for this row's name field, as the API names it. */
  public String nameField() {
    return "events." + key + ".name";
  }

  private static EventRow row(LifecycleEvent event, boolean enabled, String name) {
    return new EventRow(event.key(), event.canonicalName(), description(event), enabled, name);
  }

  private static String value(MultiValueMap<String, String> form, String field) {
    var value = form.getFirst(field);
    return value == null ? "" : value;
  }

  private static String description(LifecycleEvent event) {
    return switch (event) {
      case FLOW_VIEWED -> "A survey was shown to a user.";
      case FLOW_DISMISSED -> "The user dismissed a survey without submitting.";
      case RESPONSE_SUBMITTED -> "The user submitted a response.";
    };
  }
}
