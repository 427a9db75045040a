package io.segmentrelay.integration;

import java.time.Instant;

/**
 * A Segment integration of an organization. The write key itself is not here: only its
 * masked form; the delivery engine asks {@link IntegrationStore#writeKey} at each attempt.
 */
public record Integration(
    String id,
    String organizationId,
    String type,
    String name,
    String writeKeyMask,
    String endpoint,
    Status status,
    EventSettings events,
    Instant createdAt,
    Instant updatedAt) {

  /** Active integrations deliver; paused ones hold their events. */
  public enum Status {
    ACTIVE,
    PAUSED;

    public String wire() {
      return name().toLowerCase();
    }
  }

  public boolean paused() {
    return status == Status.PAUSED;
  }
}
