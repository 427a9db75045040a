package io.segmentrelay.web;

import io.segmentrelay.integration.CustomEvents;
import java.util.ArrayList;
import java.util.List;
import org.springframework.util.MultiValueMap;
import tools.jackson.databind.node.ObjectNode;

/**
 * The custom events part of the Events section: a mode (none, all, only the listed ones) and rows
 * of event name and name in Segment. The form posts {@code custom.mode}, and {@code
 * custom.event} and {@code custom.rename} once per row, in order; blank rows are left out, and a
 * few blank rows are always offered for adding names.
 */
record CustomEventForm(String mode, List<Row> rows) {

  /** One custom event: its name as sent, and the name it gets in Segment (blank: unchanged). */
  record Row(String event, String rename) {}

  static final int BLANK_ROWS = 3;

  static CustomEventForm of(CustomEvents custom) {
    var rows = new ArrayList<Row>();
    var names = new ArrayList<>(custom.allow());
    custom.renames().keySet().stream().filter(name -> !names.contains(name)).forEach(names::add);
    for (var name : names) {
      rows.add(new Row(name, custom.renames().getOrDefault(name, "")));
    }
    return withBlankRows(custom.mode().wire(), rows);
  }

  /** The form as submitted, to show again next to its errors. */
  static CustomEventForm submitted(MultiValueMap<String, String> form) {
    var mode = form.getFirst("custom.mode");
    return withBlankRows(mode == null ? "none" : mode, filled(form));
  }

  /** The management API's {@code customEvents} setting for the submitted form. */
  static void patch(MultiValueMap<String, String> form, ObjectNode body) {
    var custom = body.putObject("customEvents");
    var mode = form.getFirst("custom.mode");
    custom.put("mode", mode == null ? "none" : mode);
    var rows = filled(form);
    var allow = custom.putArray("allow");
    var renames = custom.putObject("renames");
    for (var row : rows) {
      allow.add(row.event());
      if (!row.rename().isBlank() && !row.rename().strip().equals(row.event())) {
        renames.put(row.event(), row.rename());
      }
    }
    if (!"allow".equals(mode)) {
      // Outside an allow-list the rows only rename.
      custom.remove("allow");
    }
  }

  /** The error of the custom events setting, if any: one message for the whole part. */
  static String error(java.util.Map<String, String> errors) {
    return errors.entrySet().stream()
        .filter(e -> e.getKey().startsWith("customEvents"))
        .map(java.util.Map.Entry::getValue)
        .reduce((a, b) -> a + " " + b)
        .orElse(null);
  }

  private static List<Row> filled(MultiValueMap<String, String> form) {
    var events = form.getOrDefault("custom.event", List.of());
    var renames = form.getOrDefault("custom.rename", List.of());
    var rows = new ArrayList<Row>();
    for (int i = 0; i < events.size(); i++) {
      var event = events.get(i) == null ? "" : events.get(i).strip();
      var rename = i < renames.size() && renames.get(i) != null ? renames.get(i).strip() : "";
      if (!event.isEmpty()) {
        rows.add(new Row(event, rename));
      }
    }
    return rows;
  }

  private static CustomEventForm withBlankRows(String mode, List<Row> rows) {
    var all = new ArrayList<>(rows);
    for (int i = 0; i < BLANK_ROWS; i++) {
      all.add(new Row("", ""));
    }
    return new CustomEventForm(mode, all);
  }
}
