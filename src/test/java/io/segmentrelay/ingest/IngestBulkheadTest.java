package io.segmentrelay.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

/** Ingest never takes the connections kept for delivery and the admin API. */
class IngestBulkheadTest {

  @Test
  void ingest_requests_beyond_the_permits_wait_for_one_to_finish() throws Exception {
    var registration = IngestBulkhead.filter(1);
    assertThat(registration.getUrlPatterns()).containsExactly("/v1/*");
    var filter = registration.getFilter();
    var release = new CountDownLatch(1);
    var inside = new AtomicInteger();
    var maxInside = new AtomicInteger();
    Runnable request = () -> {
      try {
        filter.doFilter(new MockHttpServletRequest("POST", "/v1/events"),
            new MockHttpServletResponse(), (req, res) -> {
              maxInside.accumulateAndGet(inside.incrementAndGet(), Math::max);
              try {
                release.await(10, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              inside.decrementAndGet();
            });
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    };
    var first = Thread.ofVirtual().start(request);
    var second = Thread.ofVirtual().start(request);
    while (inside.get() == 0) {
      Thread.onSpinWait();
    }
    // One permit: the second request waits at the door while the first holds it.
    second.join(200);
    assertThat(second.isAlive()).isTrue();
    assertThat(inside.get()).isEqualTo(1);

    release.countDown();
    first.join(5_000);
    second.join(5_000);
    assertThat(first.isAlive() || second.isAlive()).isFalse();
    assertThat(maxInside.get()).isEqualTo(1);
  }

  @Test
  void the_pool_minus_the_reserve_and_on_h2_at_most_two_per_core() {
    assertThat(IngestBulkhead.permits(16, true, 2)).isEqualTo(12);
    assertThat(IngestBulkhead.permits(16, false, 2)).isEqualTo(4);
    assertThat(IngestBulkhead.permits(16, false, 8)).isEqualTo(12);
    assertThat(IngestBulkhead.permits(5, false, 2)).isEqualTo(1);
    assertThat(IngestBulkhead.permits(2, true, 2)).isEqualTo(1);
  }
}
