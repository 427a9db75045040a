package io.segmentrelay.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The retry schedule as a pure value: every attempt number, with and without Retry-After. */
class RetryPolicyTest {

  private static final Instant NOW = Instant.parse("2026-05-13T10:00:00Z");
  private static final RetryPolicy SEED =
      new RetryPolicy(
          List.of("PT1M", "PT2M", "PT4M", "PT8M", "PT16M", "PT32M", "PT64M", "PT6H").stream()
              .map(Duration::parse)
              .toList());

  @Test
  void retries_follow_the_seed_schedule_after_each_failed_attempt() {
    var expected = List.of(1L, 2L, 4L, 8L, 16L, 32L, 64L, 360L);
    for (int attempt = 1; attempt <= 8; attempt++) {
      assertThat(SEED.nextAttempt(attempt, NOW, null))
          .as("after attempt %d", attempt)
          .contains(NOW.plus(Duration.ofMinutes(expected.get(attempt - 1))));
    }
  }

  @Test
  void the_ninth_attempt_is_the_last() {
    assertThat(SEED.maxAttempts()).isEqualTo(9);
    assertThat(SEED.nextAttempt(9, NOW, null)).isEmpty();
    assertThat(SEED.nextAttempt(10, NOW, Duration.ofSeconds(5))).isEmpty();
  }

  @Test
  void retry_after_is_honoured_when_later_than_the_schedule() {
    assertThat(SEED.nextAttempt(1, NOW, Duration.ofSeconds(120))).contains(NOW.plusSeconds(120));
    assertThat(SEED.nextAttempt(3, NOW, Duration.ofMinutes(5))).contains(NOW.plusSeconds(300));
  }

  @Test
  void retry_after_earlier_than_the_schedule_is_ignored() {
    assertThat(SEED.nextAttempt(1, NOW, Duration.ofSeconds(10))).contains(NOW.plusSeconds(60));
    assertThat(SEED.nextAttempt(8, NOW, Duration.ofHours(1))).contains(NOW.plus(Duration.ofHours(6)));
  }

  @Test
  void retry_after_is_capped_at_a_day() {
    assertThat(SEED.nextAttempt(1, NOW, Duration.ofDays(30))).contains(NOW.plus(Duration.ofDays(1)));
  }

  @Test
  void attempt_numbers_start_at_one() {
    assertThatThrownBy(() -> SEED.nextAttempt(0, NOW, null))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
