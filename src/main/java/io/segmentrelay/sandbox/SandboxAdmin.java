package io.segmentrelay.sandbox;

import io.segmentrelay.system.ApiException;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The in-relay sandbox's management endpoints, scoped to the signed-in organization. A write key
 * an organization registers is its own: only it sees that key's recordings, sets faults on it,
 * resets or removes it. The configured keys (such as {@code demo-write-key}) are shared: on them an
 * organization sees only the events its own integrations delivered, and may set no faults, so
 * that no organization can read or break another's deliveries.
 */
final class SandboxAdmin {

  /** How many write keys one organization may register. */
  static final int MAX_KEYS_PER_ORGANIZATION = 20;

  private static final Set<String> FAULT_FIELDS =
      Set.of("status", "retryAfter", "latencyMs", "drop", "times", "writeKey", "messageId");

  private final SandboxReceiver receiver;

  private final JsonMapper mapper = SandboxReceiver.mapper();

  private final SandboxEndpoints views;

  /** Registered write key → the organization that registered it. */
  private final Map<String, String> owners = new ConcurrentHashMap<>();

  SandboxAdmin(SandboxReceiver receiver) {
    this.receiver = receiver;
    this.views = new SandboxEndpoints(receiver);
  }

  /** {@code GET /events?writeKey=…}: the key's events this organization may see. */
  String events(String organizationId, String writeKey) {
    if (writeKey == null || writeKey.isBlank()) {
      throw ApiException.invalid("writeKey", "is required");
    }
    var owner = owners.get(writeKey);
    if (!receiver.writeKeys().contains(writeKey)
        || (owner != null && !owner.equals(organizationId))) {
      throw ApiException.notFound("Write key");
    }
    ObjectNode view = mapper.createObjectNode().put("writeKey", writeKey);
    ArrayNode events = view.putArray("events");
    for (JsonNode event : receiver.events(writeKey)) {
      if (owner != null || organizationId.equals(
          event.path("properties").path("organization_id").asString(null))) {
        events.add(event);
      }
    }
    view.put("eventCount", events.size()).put("recordMode", receiver.recordMode().name());
    if (owner != null) {
      SandboxStats stats = receiver.stats(writeKey);
      view.put("requests", stats.requests())
          .put("duplicates", stats.duplicates())
          .put("faultedRequests", stats.faultedRequests());
    }
    return mapper.writeValueAsString(view);
  }

  /** {@code GET /stats}: this organization's keys, their counters and faults. */
  String stats(String organizationId) {
    var own = ownKeys(organizationId);
    ObjectNode view = mapper.createObjectNode().put("recordMode", receiver.recordMode().name());
    ObjectNode keys = view.putObject("writeKeys");
    long total = 0;
    for (String key : own) {
      SandboxStats stats = receiver.stats(key);
      total += stats.events();
      keys.putObject(key)
          .put("requests", stats.requests())
          .put("events", stats.events())
          .put("duplicates", stats.duplicates())
          .put("faultedRequests", stats.faultedRequests());
    }
    view.put("totalEvents", total);
    ArrayNode faults = view.putArray("faults");
    receiver.faults().stream()
        .filter(rule -> own.contains(rule.writeKey()))
        .forEach(rule -> faults.add(views.faultNode(rule)));
    return mapper.writeValueAsString(view);
  }

  /** {@code POST /write-keys}: registers a key as this organization's own. */
  String register(String organizationId, byte[] body) {
    var key = readObject(body).get("writeKey");
    if (key == null || !key.isString() || key.asString().isBlank()
        || key.asString().length() > 200 || key.asString().chars().anyMatch(Character::isISOControl)) {
      throw ApiException.invalid("writeKey", "must be a string of 1–200 characters");
    }
    var writeKey = key.asString();
    synchronized (owners) {
      var owner = owners.get(writeKey);
      if (owner == null && receiver.writeKeys().contains(writeKey)
          || owner != null && !owner.equals(organizationId)) {
        throw ApiException.conflict("This write key is already registered");
      }
      if (owner == null && ownKeys(organizationId).size() >= MAX_KEYS_PER_ORGANIZATION) {
        throw ApiException.conflict(
            "An organization may register at most " + MAX_KEYS_PER_ORGANIZATION + " write keys");
      }
      owners.put(writeKey, organizationId);
      receiver.registerWriteKey(writeKey);
    }
    return mapper.writeValueAsString(
        mapper.createObjectNode().put("writeKey", writeKey).put("registered", true));
  }

  /** {@code DELETE /write-keys/{key}}: removes one of this organization's keys. */
  String remove(String organizationId, String writeKey) {
    synchronized (owners) {
      if (!organizationId.equals(owners.get(writeKey))) {
        throw ApiException.notFound("Write key");
      }
      receiver.removeWriteKey(writeKey);
      owners.remove(writeKey);
    }
    return mapper.writeValueAsString(
        mapper.createObjectNode().put("writeKey", writeKey).put("removed", true));
  }

  /** {@code POST /faults}: a fault rule on one of this organization's keys. */
  String addFault(String organizationId, byte[] body) {
    FaultRule rule;
    try {
      rule = FaultRule.fromJson(readObject(body));
    } catch (IllegalArgumentException e) {
      var field = e.getMessage().split(" ", 2)[0];
      throw ApiException.invalid(FAULT_FIELDS.contains(field) ? field : "body", e.getMessage());
    }
    if (rule.writeKey() == null || !organizationId.equals(owners.get(rule.writeKey()))) {
      throw ApiException.invalid(
          "writeKey", "must be a write key your organization registered with POST /write-keys");
    }
    receiver.addFault(rule);
    return mapper.writeValueAsString(
        mapper.createObjectNode().set("fault", views.faultNode(rule)));
  }

  /** {@code DELETE /faults}: clears this organization's fault rules. */
  String clearFaults(String organizationId) {
    receiver.clearFaults(ownKeys(organizationId));
    return "{\"cleared\":true}";
  }

  /** {@code DELETE /events}: forgets what this organization's keys recorded. */
  String reset(String organizationId) {
    ownKeys(organizationId).forEach(receiver::reset);
    return "{\"reset\":true}";
  }

  private Set<String> ownKeys(String organizationId) {
    var own = new TreeSet<String>();
    owners.forEach((key, owner) -> {
      if (owner.equals(organizationId)) {
        own.add(key);
      }
    });
    return own;
  }

  private JsonNode readObject(byte[] body) {
    try {
      JsonNode json = mapper.readTree(body);
      if (json != null && json.isObject()) {
        return json;
      }
    } catch (JacksonException e) {
      // reported below
    }
    throw ApiException.invalid("body", "must be a JSON object");
  }
}
