package io.segmentrelay.delivery;

import java.time.Instant;
import java.util.List;

/**
 * One track call on its way to one integration, and what happened to it.
 *
 * @param payload the frozen track JSON, without {@code sentAt}
 * @param note what the relay changed in the call to make it sendable (e.g. trimmed traits)
 */
public record Delivery(
    long seq,
    String id,
    String integrationId,
    String eventId,
    String eventType,
    String messageId,
    Status status,
    String payload,
    int attemptCount,
    Instant nextAttemptAt,
    String failureReason,
    String note,
    Instant createdAt,
    Instant deliveredAt,
    List<Attempt> attempts) {

  /** Where a delivery is in its life. */
  public enum Status {
    PENDING,
    HELD,
    IN_FLIGHT,
    DELIVERED,
    FAILED,
    DISCARDED;

    public String wire() {
      return name().toLowerCase();
    }

    public static Status fromWire(String value) {
      return valueOf(value.toUpperCase());
    }
  }

  /** One attempt. {@code httpStatus} is null when no response came back. */
  public record Attempt(
      int number,
      Instant at,
      long durationMs,
      Integer httpStatus,
      String error,
      String responseBody,
      Instant nextAttemptAt) {}

  /**
   * A track call for one integration, as ingest hands it to the {@link Outbox}.
   *
   * @param paused whether the integration is paused: the delivery is then held until resume
   * @param note what the relay changed in the call to make it sendable; null if nothing
   */
  public record Request(
      String integrationId,
      boolean paused,
      String eventId,
      String eventType,
      String messageId,
      String payload,
      String note) {}

  /**
   * A delivery as inserted into the queue.
   *
   * @param groupId the queue row it shares with the other deliveries of its ingest request to its
   *     integration; the status, lease and lease owner are the group's
   * @param leaseOwner for a delivery inserted in flight: the lease it is inserted under; else null
   * @param leaseUntil when that lease expires; null without one
   */
  record New(
      String id,
      String groupId,
      String integrationId,
      String eventId,
      String eventType,
      String messageId,
      Status status,
      String payload,
      Instant createdAt,
      String leaseOwner,
      Instant leaseUntil,
      String note) {}
}
