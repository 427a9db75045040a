package io.segmentrelay.delivery;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * When to try again after a retryable failure: the first attempt at once, then one retry after
 * each delay in turn; when the last retry fails, the delivery has failed. A {@code Retry-After}
 * later than the schedule wins, up to a day.
 *
 * @param delays the wait before retry 1, 2, …, measured from the failed attempt
 */
public record RetryPolicy(List<Duration> delays) {

  private static final Duration MAX_RETRY_AFTER = Duration.ofDays(1);

  public RetryPolicy {
    delays = List.copyOf(delays);
  }

  /** Attempts in all: the first plus one per delay. */
  public int maxAttempts() {
    return delays.size() + 1;
  }

  /**
   * The time of the next attempt after attempt number {@code attempt} (1 = the first) failed at
   * {@code now}, or empty when that was the last.
   */
  public Optional<Instant> nextAttempt(int attempt, Instant now, Duration retryAfter) {
    if (attempt < 1) {
      throw new IllegalArgumentException("attempt numbers start at 1, got " + attempt);
    }
    if (attempt > delays.size()) {
      return Optional.empty();
    }
    var wait = delays.get(attempt - 1);
    if (retryAfter != null && retryAfter.compareTo(wait) > 0) {
      wait = retryAfter.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : retryAfter;
    }
    return Optional.of(now.plus(wait));
  }
}
