package io.segmentrelay.delivery;

import io.segmentrelay.system.ApiException;
import io.segmentrelay.system.FieldError;
import io.segmentrelay.system.Timestamps;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * Which deliveries a replay redelivers: by status (default failed) and by acceptance time.
 *
 * @param since inclusive, or null
 * @param until exclusive, or null
 */
public record ReplayFilter(Set<Delivery.Status> statuses, Instant since, Instant until) {

  /** Statuses a delivery can be redelivered from: finished ones. */
  static final Set<Delivery.Status> REPLAYABLE =
      EnumSet.of(Delivery.Status.FAILED, Delivery.Status.DELIVERED, Delivery.Status.DISCARDED);

  public ReplayFilter {
    statuses = Set.copyOf(statuses);
  }

  /** Parses the API's replay body {@code {status?, since?, until?}}; 400 naming bad fields. */
  public static ReplayFilter parse(JsonNode body) {
    var errors = new ArrayList<FieldError>();
    Set<Delivery.Status> statuses = EnumSet.of(Delivery.Status.FAILED);
    if (body != null && body.hasNonNull("status")) {
      var status = body.get("status").asString();
      try {
        var parsed = Delivery.Status.fromWire(status);
        if (!REPLAYABLE.contains(parsed)) {
          throw new IllegalArgumentException(status);
        }
        statuses = EnumSet.of(parsed);
      } catch (IllegalArgumentException e) {
        errors.add(new FieldError("status", "must be failed, delivered or discarded"));
      }
    }
    var since = time(body, "since", errors);
    var until = time(body, "until", errors);
    if (since != null && until != null && !since.isBefore(until)) {
      errors.add(new FieldError("until", "must be after since"));
    }
    if (!errors.isEmpty()) {
      throw ApiException.invalid(errors);
    }
    return new ReplayFilter(statuses, since, until);
  }

  private static Instant time(JsonNode body, String field, List<FieldError> errors) {
    if (body == null || !body.hasNonNull(field)) {
      return null;
    }
    var instant = Timestamps.parse(body.get(field).asString());
    if (instant.isEmpty()) {
      errors.add(new FieldError(field, Timestamps.INVALID));
    }
    return instant.orElse(null);
  }
}
