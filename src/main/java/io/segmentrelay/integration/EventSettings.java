package io.segmentrelay.integration;

import io.segmentrelay.system.FieldError;
import io.segmentrelay.track.LifecycleEvent;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * The Events section of an integration: per lifecycle event, whether it is forwarded and under
 * which name.
 */
public record EventSettings(Map<LifecycleEvent, Setting> settings) {

  /** One event's setting. */
  public record Setting(boolean enabled, String name) {}

  public EventSettings {
    settings = Collections.unmodifiableMap(new EnumMap<>(settings));
  }

  /** Every event enabled, under its canonical name. */
  public static EventSettings defaults() {
    var map = new EnumMap<LifecycleEvent, Setting>(LifecycleEvent.class);
    for (var event : LifecycleEvent.values()) {
      map.put(event, new Setting(true, event.canonicalName()));
    }
    return new EventSettings(map);
  }

  public Setting of(LifecycleEvent event) {
    return settings.get(event);
  }

  /**
   * These settings with the changes in {@code patch} applied: an object keyed by event, each with
   * optional {@code enabled} and {@code name}. Invalid entries are reported in {@code errors}
   * under {@code prefix}.
   */
  public EventSettings merge(JsonNode patch, String prefix, List<FieldError> errors) {
    if (patch == null || patch.isNull()) {
      return this;
    }
    if (!patch.isObject()) {
      errors.add(new FieldError(prefix, "must be an object keyed by event"));
      return this;
    }
    var map = new EnumMap<>(settings);
    for (var entry : patch.properties()) {
      var field = prefix + "." + entry.getKey();
      var event = LifecycleEvent.fromKey(entry.getKey());
      if (event.isEmpty()) {
        errors.add(new FieldError(field, "is not an event; use " + keys()));
        continue;
      }
      map.put(event.get(), mergeOne(map.get(event.get()), entry.getValue(), field, errors));
    }
    return new EventSettings(map);
  }

  private static Setting mergeOne(
      Setting current, JsonNode patch, String field, List<FieldError> errors) {
    if (!patch.isObject()) {
      errors.add(new FieldError(field, "must be an object with enabled and/or name"));
      return current;
    }
    boolean enabled = current.enabled();
    var enabledNode = patch.get("enabled");
    if (enabledNode != null && !enabledNode.isNull()) {
      if (enabledNode.isBoolean()) {
        enabled = enabledNode.booleanValue();
      } else {
        errors.add(new FieldError(field + ".enabled", "must be true or false"));
      }
    }
    String name = current.name();
    var nameNode = patch.get("name");
    if (nameNode != null && !nameNode.isNull()) {
      var trimmed = nameNode.isString() ? nameNode.asString().trim() : "";
      if (trimmed.isEmpty() || trimmed.length() > 200) {
        errors.add(new FieldError(field + ".name", "must be 1–200 characters"));
      } else {
        name = trimmed;
      }
    }
    return new Setting(enabled, name);
  }

  private static String keys() {
    var keys = new ArrayList<String>();
    for (var event : LifecycleEvent.values()) {
      keys.add(event.key());
    }
    return String.join(", ", keys);
  }
}
