package io.segmentrelay.sandbox;

import java.time.Duration;
import tools.jackson.databind.JsonNode;

/**
 * A fault the sandbox injects into matching requests instead of (or before) answering normally.
 *
 * <p>A rule with a {@code status} answers that status; with {@code drop} it closes the connection
 * without a response; with only {@code latencyMs} it delays an otherwise normal answer. A rejecting
 * rule (status or drop) means the request is not recorded as accepted. Rules are tried in the order
 * they were added; the first matching one that still has uses left applies.
 *
 * @param status HTTP status to answer (e.g. 503, 429, 400), or 0 for none
 * @param retryAfter value of the {@code Retry-After} header to send, or null
 * @param latencyMs how long to wait before answering or dropping, 0 for no delay
 * @param drop close the connection without any response
 * @param times how many matching requests the rule applies to; 0 means forever
 * @param writeKey apply only to requests for this write key, or null for all keys
 * @param messageId apply only to requests containing an event with this messageId, or null
 */
public record FaultRule(
    int status,
    String retryAfter,
    long latencyMs,
    boolean drop,
    int times,
    String writeKey,
    String messageId) {

  public FaultRule {
    if (status != 0 && (status < 100 || status > 599)) {
      throw new IllegalArgumentException("status must be an HTTP status code (100-599)");
    }
    if (latencyMs < 0) {
      throw new IllegalArgumentException("latencyMs must not be negative");
    }
    if (times < 0) {
      throw new IllegalArgumentException("times must not be negative (0 means forever)");
    }
    // A header value holding CR or LF could split the response; HTTP servers refuse to send it.
    if (retryAfter != null && retryAfter.chars().anyMatch(Character::isISOControl)) {
      throw new IllegalArgumentException("retryAfter must not contain control characters");
    }
    if (status == 0 && !drop && latencyMs == 0) {
      throw new IllegalArgumentException("a fault needs a status, drop or latencyMs");
    }
  }

  /** Answers {@code status} to the next matching request. */
  public static FaultRule status(int status) {
    return new FaultRule(status, null, 0, false, 1, null, null);
  }

  /** Closes the connection of the next matching request without answering. */
  public static FaultRule dropConnection() {
    return new FaultRule(0, null, 0, true, 1, null, null);
  }

  /** Delays the answer to the next matching request, which is otherwise handled normally. */
  public static FaultRule delay(Duration latency) {
    return new FaultRule(0, null, latency.toMillis(), false, 1, null, null);
  }

  /** The same rule, applying to {@code count} matching requests (0 = forever). */
  public FaultRule withTimes(int count) {
    return new FaultRule(status, retryAfter, latencyMs, drop, count, writeKey, messageId);
  }

  /** The same rule, applying to every matching request until the faults are cleared. */
  public FaultRule forever() {
    return withTimes(0);
  }

  /** The same rule, sending {@code Retry-After: value}. */
  public FaultRule withRetryAfter(String value) {
    return new FaultRule(status, value, latencyMs, drop, times, writeKey, messageId);
  }

  /** The same rule, applied after waiting {@code latency}. */
  public FaultRule withLatency(Duration latency) {
    return new FaultRule(status, retryAfter, latency.toMillis(), drop, times, writeKey, messageId);
  }

  /** The same rule, limited to requests for {@code key}. */
  public FaultRule forWriteKey(String key) {
    return new FaultRule(status, retryAfter, latencyMs, drop, times, key, messageId);
  }

  /** The same rule, limited to requests containing an event with messageId {@code id}. */
  public FaultRule forMessageId(String id) {
    return new FaultRule(status, retryAfter, latencyMs, drop, times, writeKey, id);
  }

  /** Whether the rule replaces the normal answer (rather than only delaying it). */
  public boolean rejects() {
    return drop || status != 0;
  }

  /** The delay as a {@link Duration}. */
  public Duration latency() {
    return Duration.ofMillis(latencyMs);
  }

  /**
   * Reads a rule from its JSON form, e.g. {@code
   * {"status":429,"retryAfter":"30","times":2,"writeKey":"k"}}; {@code times} defaults to 1.
   *
   * @throws IllegalArgumentException when a field has the wrong type or the rule is incomplete
   */
  public static FaultRule fromJson(JsonNode json) {
    if (json == null || !json.isObject()) {
      throw new IllegalArgumentException("a fault rule must be a JSON object");
    }
    return new FaultRule(
        intField(json, "status", 0),
        stringField(json, "retryAfter"),
        longField(json, "latencyMs"),
        booleanField(json, "drop"),
        intField(json, "times", 1),
        stringField(json, "writeKey"),
        stringField(json, "messageId"));
  }

  private static int intField(JsonNode json, String name, int absent) {
    JsonNode value = json.path(name);
    if (value.isMissingNode() || value.isNull()) {
      return absent;
    }
    if (!value.canConvertToInt() || !value.isIntegralNumber()) {
      throw new IllegalArgumentException(name + " must be an integer");
    }
    return value.intValue();
  }

  private static long longField(JsonNode json, String name) {
    JsonNode value = json.path(name);
    if (value.isMissingNode() || value.isNull()) {
      return 0;
    }
    if (!value.isIntegralNumber() || !value.canConvertToLong()) {
      throw new IllegalArgumentException(name + " must be an integer");
    }
    return value.longValue();
  }

  private static boolean booleanField(JsonNode json, String name) {
    JsonNode value = json.path(name);
    if (value.isMissingNode() || value.isNull()) {
      return false;
    }
    if (!value.isBoolean()) {
      throw new IllegalArgumentException(name + " must be true or false");
    }
    return value.booleanValue();
  }

  private static String stringField(JsonNode json, String name) {
    JsonNode value = json.path(name);
    if (value.isMissingNode() || value.isNull()) {
      return null;
    }
    // Retry-After is often written as a number of seconds; accept it as such.
    if (!value.isString() && !value.isIntegralNumber()) {
      throw new IllegalArgumentException(name + " must be a string");
    }
    return value.asString();
  }
}
