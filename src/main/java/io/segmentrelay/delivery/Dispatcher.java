package io.segmentrelay.delivery;

import io.segmentrelay.integration.IntegrationResumed;
import io.segmentrelay.system.RelayProperties;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Moves due deliveries to Segment, one {@link #runOnce} pass at a time: per integration, this
 * node's hand-overs and due rows claimed from the queue go to workers; each integration has its
 * own slots, so a slow destination never holds back another. {@link DispatcherLoop} runs passes in
 * the background; tests run the same passes with a stepped clock.
 */
@Component
class Dispatcher {

  private static final Duration RECLAIM_EVERY = Duration.ofSeconds(5);
  /** While hand-overs keep the loop busy, how often it still claims: for retries and other nodes' work. */
  private static final Duration CLAIM_SWEEP_EVERY = Duration.ofSeconds(1);

  private final DeliveryQueue queue;
  private final DeliveryWorker worker;
  private final HandOff handOff;
  private final Leases leases;
  private final Clock clock;
  private final RelayProperties.Delivery settings;
  private final Map<String, Semaphore> slots = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> turns = new ConcurrentHashMap<>();
  final Sleep sleep;
  /** Workers: virtual threads while the loop runs, else the caller's thread. */
  private Executor workers = Runnable::run;
  private Instant lastReclaim = Instant.EPOCH;
  private Instant lastClaim = Instant.EPOCH;
  /** Whether the queue may hold due work that no pass has claimed since. */
  private volatile boolean claimNeeded = true;

  Dispatcher(DeliveryQueue queue, DeliveryWorker worker, HandOff handOff, Leases leases,
      Clock clock, RelayProperties properties) {
    this.queue = queue;
    this.worker = worker;
    this.handOff = handOff;
    this.leases = leases;
    this.clock = clock;
    this.settings = properties.delivery();
    this.sleep = new Sleep(queue, clock, settings.pollInterval());
  }

  @EventListener
  void on(DeliveriesReady ready) {
    wake(true);
  }

  @EventListener
  void on(IntegrationResumed resumed) {
    wake(true);
  }

  /** Makes the loop run a pass now; {@code queued} when the queue got work, not just the hand-off. */
  void wake(boolean queued) {
    if (queued) {
      claimNeeded = true;
    }
    sleep.wake();
  }

  /** Makes the next pass look in the queue. */
  void claimNext() {
    claimNeeded = true;
  }

  /**
   * One pass: takes over expired leases when due, then for each integration with hand-overs or
   * (when the queue may hold some) due rows, starts workers until its slots are full.
   *
   * @return how many deliveries it gave to workers
   */
  int runOnce() {
    var now = clock.instant();
    if (elapsed(lastReclaim, now, RECLAIM_EVERY)) {
      lastReclaim = now;
      claimNeeded |= leases.reclaimExpired(now);
    }
    boolean claiming = claimNeeded || elapsed(lastClaim, now, CLAIM_SWEEP_EVERY);
    var integrationIds = new TreeSet<>(handOff.integrations());
    if (claiming) {
      claimNeeded = false;
      lastClaim = now;
      integrationIds.addAll(queue.activeIntegrationIds());
    }
    int started = 0;
    for (var integrationId : integrationIds) {
      started += dispatch(integrationId, now, claiming);
    }
    return started;
  }

  /** Whether {@code every} has passed since {@code last}, or the clock went back since. */
  private static boolean elapsed(Instant last, Instant now, Duration every) {
    return !now.isBefore(last.plus(every)) || now.isBefore(last);
  }

  /**
   * Sends everything due now in the calling thread, pass after pass, until a pass finds nothing:
   * for tests that step a clock, and for the test endpoint.
   *
   * @return how many deliveries were processed
   */
  int runDue() {
    lastReclaim = Instant.EPOCH;
    int total = 0;
    for (int n = -1; n != 0; total += n) {
      claimNeeded = true;
      n = runOnce();
    }
    return total;
  }

  private int dispatch(String integrationId, Instant now, boolean claiming) {
    var slot = slots.computeIfAbsent(
        integrationId, id -> new Semaphore(settings.concurrencyPerIntegration()));
    int started = 0;
    boolean queueEmptied = false;
    while (slot.tryAcquire()) {
      Work work;
      try {
        work = nextWork(integrationId, now, claiming);
      } catch (RuntimeException e) {
        slot.release();
        throw e;
      }
      queueEmptied |= work.queueEmptied();
      if (work.isEmpty()) {
        slot.release();
        break;
      }
      started += work.size();
      var owners = work.groups().stream().map(DeliveryQueue.Claimed::owner).distinct().toList();
      workers.execute(() -> {
        try {
          worker.process(integrationId, work.groups());
        } catch (Throwable e) {
          leases.giveBack(integrationId, owners, e);
        } finally {
          leases.release(owners);
          handOff.finished(work.handedOff());
          slot.release();
          wake(false);
        }
      });
      if (work.size() < settings.claimSize()) {
        break;
      }
    }
    if (claiming && !queueEmptied) {
      claimNeeded = true; // no slot was free to look in the queue, or a claim came back full
    }
    return started;
  }

  /**
   * What one worker sends: hand-overs or claimed groups, how many of them were handed over, and
   * whether a claim found the queue holding no more than this.
   */
  private record Work(List<DeliveryQueue.Claimed> groups, int handedOff, int size,
      boolean queueEmptied) {

    boolean isEmpty() {
      return groups.isEmpty();
    }

    static Work handedOff(List<DeliveryQueue.Claimed> groups) {
      int n = groups.stream().mapToInt(DeliveryQueue.Claimed::size).sum();
      return new Work(groups, n, n, false);
    }

    static Work claimed(List<DeliveryQueue.Claimed> groups, int claimSize) {
      int n = groups.stream().mapToInt(DeliveryQueue.Claimed::size).sum();
      return new Work(groups, 0, n, n < claimSize);
    }
  }

  /**
   * Hand-overs and queued deliveries (retries, other nodes' ingest, a backlog) take turns, so
   * that neither waits behind the other while both are there.
   */
  private Work nextWork(String integrationId, Instant now, boolean claiming) {
    boolean queueFirst = claiming
        && turns.computeIfAbsent(integrationId, id -> new AtomicLong()).incrementAndGet() % 2 == 0;
    if (queueFirst) {
      var claimed = claim(integrationId, now);
      if (!claimed.isEmpty()) {
        return claimed;
      }
    }
    var handed = Work.handedOff(handOff.take(integrationId, now, settings.claimSize(), leases));
    if (!handed.isEmpty() || !claiming) {
      return handed;
    }
    return queueFirst ? new Work(List.of(), 0, 0, true) : claim(integrationId, now);
  }

  /** Up to a claim's worth of the integration's due deliveries, under a new lease owner. */
  private Work claim(String integrationId, Instant now) {
    var owner = leases.hold(); // renewed from the start, should the claim's transaction be slow
    try {
      var claimed = queue.claim(integrationId, owner, now, leases.until(now), settings.claimSize());
      if (claimed.isEmpty()) {
        leases.release(List.of(owner));
      }
      return Work.claimed(claimed, settings.claimSize());
    } catch (RuntimeException e) {
      leases.release(List.of(owner));
      throw e;
    }
  }

  /** Where workers run: virtual threads while the loop runs, else the caller's thread. */
  void useWorkers(Executor executor) {
    workers = executor;
  }
}
