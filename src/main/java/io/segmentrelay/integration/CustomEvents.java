package io.segmentrelay.integration;

import io.segmentrelay.system.FieldError;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Which custom events an integration forwards, and under which names: all, none (the default, so
 * an integration never starts sending events nobody chose), or an allow-list. Any forwarded name
 * can be renamed.
 */
public record CustomEvents(Mode mode, List<String> allow, Map<String, String> renames) {

  /** How custom events are chosen. */
  public enum Mode {
    ALL,
    NONE,
    ALLOW;

    public String wire() {
      return name().toLowerCase();
    }
  }

  static final int MAX_NAMES = 200;
  private static final int MAX_NAME = 200;

  public CustomEvents {
    allow = List.copyOf(allow);
    renames = Collections.unmodifiableMap(new LinkedHashMap<>(renames));
  }

  public static CustomEvents none() {
    return new CustomEvents(Mode.NONE, List.of(), Map.of());
  }

  /** The name a custom event is sent under, or empty when this integration does not forward it. */
  public Optional<String> nameFor(String eventName) {
    boolean forwarded = switch (mode) {
      case ALL -> true;
      case NONE -> false;
      case ALLOW -> allow.contains(eventName);
    };
    return forwarded ? Optional.of(renames.getOrDefault(eventName, eventName)) : Optional.empty();
  }

  /** The setting as the API shows and takes it. */
  public ObjectNode toJson(JsonMapper json) {
    var node = json.createObjectNode();
    node.put("mode", mode.wire());
    if (mode == Mode.ALLOW || !allow.isEmpty()) {
      var names = node.putArray("allow");
      allow.forEach(names::add);
    }
    if (!renames.isEmpty()) {
      var names = node.putObject("renames");
      renames.forEach(names::put);
    }
    return node;
  }

  /** Reads a stored setting; null or blank is the default. */
  public static CustomEvents fromStored(String text, JsonMapper json) {
    if (text == null || text.isBlank()) {
      return none();
    }
    var errors = new ArrayList<FieldError>();
    var parsed = parse(json.readTree(text), "customEvents", errors);
    if (!errors.isEmpty()) {
      throw new IllegalStateException("A stored custom events setting is invalid: " + errors);
    }
    return parsed;
  }

  /**
   * The setting in {@code node}, a whole replacement: {@code {"mode": ..., "allow": [...],
   * "renames": {...}}}. Errors are reported under {@code prefix}; on error the result is none().
   */
  public static CustomEvents parse(JsonNode node, String prefix, List<FieldError> errors) {
    if (node == null || !node.isObject()) {
      errors.add(new FieldError(prefix, "must be an object with mode, allow and renames"));
      return none();
    }
    int before = errors.size();
    var modeNode = node.get("mode");
    Mode mode = null;
    if (modeNode != null && modeNode.isString()) {
      for (var m : Mode.values()) {
        if (m.wire().equals(modeNode.asString())) {
          mode = m;
        }
      }
    }
    if (mode == null) {
      errors.add(new FieldError(prefix + ".mode", "must be \"all\", \"none\" or \"allow\""));
    }
    var allow = names(node.get("allow"), prefix + ".allow", errors);
    if (mode == Mode.ALLOW && allow.isEmpty() && errors.size() == before) {
      errors.add(new FieldError(prefix + ".allow", "must name at least one event when mode is \"allow\""));
    }
    var renames = renames(node.get("renames"), prefix + ".renames", errors);
    for (var key : node.propertyNames()) {
      if (!key.equals("mode") && !key.equals("allow") && !key.equals("renames")) {
        errors.add(new FieldError(prefix + "." + key, "is not a setting; use mode, allow, renames"));
      }
    }
    return errors.size() == before ? new CustomEvents(mode, allow, renames) : none();
  }

  private static List<String> names(JsonNode node, String field, List<FieldError> errors) {
    if (node == null || node.isNull()) {
      return List.of();
    }
    if (!node.isArray() || node.size() > MAX_NAMES) {
      errors.add(new FieldError(field, "must be an array of at most " + MAX_NAMES + " event names"));
      return List.of();
    }
    var names = new LinkedHashSet<String>();
    for (int i = 0; i < node.size(); i++) {
      var name = validName(node.get(i), field + "[" + i + "]", errors);
      if (name != null) {
        names.add(name);
      }
    }
    return List.copyOf(names);
  }

  private static Map<String, String> renames(JsonNode node, String field, List<FieldError> errors) {
    if (node == null || node.isNull()) {
      return Map.of();
    }
    if (!node.isObject() || node.size() > MAX_NAMES) {
      errors.add(new FieldError(field,
          "must be an object of at most " + MAX_NAMES + " event names, each to its new name"));
      return Map.of();
    }
    var renames = new LinkedHashMap<String, String>();
    for (var entry : node.properties()) {
      var from = entry.getKey();
      if (from.isEmpty() || from.length() > MAX_NAME) {
        errors.add(new FieldError(field, "has a name that is not 1–" + MAX_NAME + " characters"));
        continue;
      }
      var to = validName(entry.getValue(), field + "." + from, errors);
      if (to != null) {
        renames.put(from, to);
      }
    }
    return renames;
  }

  private static String validName(JsonNode node, String field, List<FieldError> errors) {
    var trimmed = node != null && node.isString() ? node.asString().trim() : "";
    if (trimmed.isEmpty() || trimmed.length() > MAX_NAME) {
      errors.add(new FieldError(field, "must be an event name of 1–" + MAX_NAME + " characters"));
      return null;
    }
    return trimmed;
  }
}
