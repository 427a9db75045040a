package io.segmentrelay.web;

import io.segmentrelay.delivery.Delivery;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * A delivery as the log shows it: the event name it was sent under (read from the frozen
 * payload) and its latest attempt's outcome.
 */
record LogRow(Delivery delivery, String eventName, Delivery.Attempt lastAttempt) {

  static LogRow of(Delivery delivery, JsonMapper json) {
    var attempts = delivery.attempts();
    var last = attempts.isEmpty() ? null : attempts.getLast();
    return new LogRow(delivery, eventName(delivery, json), last);
  }

  /** The status to show: a pending delivery that has failed before is {@code retrying}. */
  public String status() {
    if (delivery.status() == Delivery.Status.PENDING && !delivery.attempts().isEmpty()) {
      return "retrying";
    }
    return delivery.status().wire();
  }

  /** The outcome in a few words: {@code HTTP 200}, a transport error, or a preflight reason. */
  public String outcome() {
    if (lastAttempt == null) {
      return delivery.failureReason() == null ? "Not attempted yet" : delivery.failureReason();
    }
    return lastAttempt.httpStatus() != null ? "HTTP " + lastAttempt.httpStatus() : lastAttempt.error();
  }

  public boolean writeKeyRejected() {
    return lastAttempt != null && DetailPage.writeKeyRejected(lastAttempt.httpStatus());
  }

  public boolean retryable() {
    return delivery.status() == Delivery.Status.FAILED;
  }

  public boolean redeliverable() {
    return delivery.status() == Delivery.Status.DELIVERED
        || delivery.status() == Delivery.Status.DISCARDED;
  }

  private static String eventName(Delivery delivery, JsonMapper json) {
    try {
      var event = json.readTree(delivery.payload()).get("event");
      return event != null && event.isString() ? event.asString() : delivery.eventType();
    } catch (JacksonException e) {
      return delivery.eventType();
    }
  }
}
