package io.segmentrelay.delivery;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * How the dispatcher's loop waits between passes: until woken, the queue's next due attempt or
 * lease expiry, or the poll interval. Under load the loop sleeps between every two ingest
 * requests, so the queue is asked for its next wake-up at most every {@link #RECHECK}.
 */
final class Sleep {

  /** The outcome of a sleep. */
  enum Woken { WOKEN, TIMED_OUT }

  private static final Duration RECHECK = Duration.ofMillis(100);

  private final DeliveryQueue queue;
  private final Clock clock;
  private final Duration poll;
  private final Object signal = new Object();
  private boolean wakeRequested;
  private Optional<Instant> nextWakeUp = Optional.empty();
  private long askedAt;

  Sleep(DeliveryQueue queue, Clock clock, Duration poll) {
    this.queue = queue;
    this.clock = clock;
    this.poll = poll;
  }

  void wake() {
    synchronized (signal) {
      wakeRequested = true;
      signal.notifyAll();
    }
  }

  /** Sleeps until there is something to do, unless woken meanwhile or no longer {@code running}. */
  Woken until(boolean running) {
    var now = clock.instant();
    long at = System.nanoTime(); // a rate limit: real time, whatever the clock says
    boolean recent = askedAt != 0 && at - askedAt < RECHECK.toNanos();
    if (!recent) {
      nextWakeUp = queue.nextWakeUp();
      askedAt = at;
    }
    // Something due that the last pass did not claim (it only took hand-overs): look again soon.
    var wait = nextWakeUp
        .map(due -> Duration.between(now, due))
        .map(d -> d.isNegative() ? RECHECK : d)
        .filter(d -> d.compareTo(poll) < 0)
        .orElse(poll);
    return running ? pause(recent && wait.compareTo(RECHECK) > 0 ? RECHECK : wait) : Woken.WOKEN;
  }

  /** Sleeps {@code wait} at most. */
  Woken pause(Duration wait) {
    synchronized (signal) {
      if (!wakeRequested) {
        try {
          TimeUnit.NANOSECONDS.timedWait(signal, Math.max(1_000_000, wait.toNanos()));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      var woken = wakeRequested ? Woken.WOKEN : Woken.TIMED_OUT;
      wakeRequested = false;
      return woken;
    }
  }
}
