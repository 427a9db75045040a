package io.segmentrelay.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Ingest never takes the connections kept for delivery and the admin API. */
class IngestBulkheadTest {

  @Test
  void ingest_transactions_beyond_the_pool_minus_the_reserve_wait_for_one_to_finish()
      throws Exception {
    var bulkhead = new IngestBulkhead(IngestBulkhead.RESERVED + 1);
    var release = new CountDownLatch(1);
    var inside = new AtomicInteger();
    var maxInside = new AtomicInteger();
    Runnable transaction = () -> bulkhead.run(() -> {
      maxInside.accumulateAndGet(inside.incrementAndGet(), Math::max);
      try {
        release.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return inside.decrementAndGet();
    });
    var first = Thread.ofVirtual().start(transaction);
    var second = Thread.ofVirtual().start(transaction);
    while (inside.get() == 0) {
      Thread.onSpinWait();
    }
    // One permit: the second waits while the first holds it.
    second.join(200);
    assertThat(second.isAlive()).isTrue();
    assertThat(inside.get()).isEqualTo(1);

    release.countDown();
    first.join(5_000);
    second.join(5_000);
    assertThat(first.isAlive() || second.isAlive()).isFalse();
    assertThat(maxInside.get()).isEqualTo(1);
  }
}
