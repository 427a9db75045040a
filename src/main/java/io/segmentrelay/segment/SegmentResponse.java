package io.segmentrelay.segment;

import java.time.Duration;

/**
 * What one request to Segment gave: an HTTP status and body, or a transport error.
 *
 * @param status the HTTP status, or 0 when no response came back
 * @param body the first 1 KB of the response body, or null
 * @param retryAfter the parsed {@code Retry-After} header, or null
 * @param error the transport error (refused, timeout, reset), or null when a response came back
 */
public record SegmentResponse(
    int status, String body, Duration retryAfter, String error, long durationMs) {

  /** How the relay treats an outcome. */
  public enum Kind {
    DELIVERED,
    RETRYABLE,
    PERMANENT
  }

  public Kind kind() {
    if (error != null) {
      return Kind.RETRYABLE;
    }
    if (status >= 200 && status < 300) {
      return Kind.DELIVERED;
    }
    if (status >= 500 || status == 429 || status == 408) {
      return Kind.RETRYABLE;
    }
    return Kind.PERMANENT;
  }

  /** Whether Segment rejected the request's content, which for a batch may be one bad event. */
  public boolean rejectedContent() {
    return error == null && (status == 400 || status == 413);
  }

  /** A short description for logs and the attempt log. */
  public String describe() {
    return error != null ? error : "HTTP " + status;
  }
}
