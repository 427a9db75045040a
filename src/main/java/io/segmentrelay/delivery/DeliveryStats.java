package io.segmentrelay.delivery;

import java.time.Instant;
import java.util.List;

/**
 * An integration's recent delivery health, for the UI.
 *
 * @param delivered delivered in the window
 * @param failed failed in the window
 * @param retrying waiting for a retry now
 * @param held held now (integration paused)
 * @param lastError the most recent failed attempt, or null
 * @param hourly delivered and failed per hour, oldest first, one entry per hour of the window
 */
public record DeliveryStats(
    long delivered,
    long failed,
    long retrying,
    long held,
    LastError lastError,
    List<Hour> hourly) {

  /** The most recent attempt that did not succeed. */
  public record LastError(Instant at, Integer httpStatus, String error, String responseBody) {

    /** A one-line summary, e.g. {@code HTTP 401: {"error":"invalid write key"}}. */
    public String summary() {
      var head = httpStatus != null ? "HTTP " + httpStatus : (error == null ? "Error" : error);
      var detail = httpStatus != null ? (responseBody != null ? responseBody : error) : null;
      return detail == null ? head : head + ": " + detail;
    }
  }

  /** One hour of the chart. */
  public record Hour(Instant start, long delivered, long failed) {}
}
