package io.segmentrelay.delivery;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.segmentrelay.system.RelayProperties;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.springframework.stereotype.Component;

/**
 * Deliveries that this node's ingest committed in flight under this node's lease, waiting in
 * memory to be sent without a claim. At most {@code relay.delivery.handoff-limit} wait; beyond
 * that ingest first waits a little for room ({@link #awaitRoom}) and otherwise queues them, so
 * that under a flood the relay accepts no faster than it sends.
 */
@Component
class HandOff {

  private final int limit;
  private final Duration wait;
  private final Map<String, ConcurrentLinkedQueue<DeliveryQueue.Claimed>> waiting =
      new ConcurrentHashMap<>();
  /** Handed-over deliveries not yet finished (waiting or being sent). */
  private final AtomicInteger count = new AtomicInteger();
  private final ReentrantLock roomLock = new ReentrantLock();
  private final Condition roomMade = roomLock.newCondition();
  /** A wait for room ran out: ingest queues without waiting until the hand-off half empties. */
  private volatile boolean stalled;
  /** Whether a dispatcher takes hand-overs; when not, ingest queues everything for a claim. */
  private volatile boolean open;
  private final Timer roomWaits;
  private final Timer roomWaitsRunOut;

  HandOff(RelayProperties properties, MeterRegistry registry) {
    this.limit = properties.delivery().handoffLimit();
    this.wait = properties.delivery().handoffWait();
    Gauge.builder("relay.handoff.deliveries", count, AtomicInteger::get)
        .description("Deliveries handed from ingest to this node's dispatcher, waiting or being sent")
        .register(registry);
    this.roomWaits = roomWaitTimer(registry, "room");
    this.roomWaitsRunOut = roomWaitTimer(registry, "run_out");
  }

  private static Timer roomWaitTimer(MeterRegistry registry, String outcome) {
    return Timer.builder("relay.ingest.handoff.wait")
        .description("Ingest requests that waited for room in a full hand-off, and how long")
        .tag("outcome", outcome)
        .register(registry);
  }

  /** Starts or stops taking hand-overs; either way, whatever waits is dropped (its lease is released by the caller). */
  void open(boolean open) {
    waiting.clear();
    count.set(0);
    stalled = false;
    this.open = open;
    signalRoom();
  }

  /** Whether {@code deliveries} more can be handed over now. */
  boolean accepts(int deliveries) {
    return open && count.get() + deliveries <= limit;
  }

  /**
   * Waits, at most {@code relay.delivery.handoff-wait}, until {@code deliveries} fit. Returns at
   * once when they do, when nothing takes hand-overs, when they never could fit, and while sending
   * is stalled. Real time, whatever the clock says: it only paces ingest.
   */
  void awaitRoom(int deliveries) {
    if (!open || stalled || deliveries > limit || accepts(deliveries)) {
      return;
    }
    long start = System.nanoTime();
    long left = wait.toNanos();
    boolean made = false;
    roomLock.lock();
    try {
      while (open && !accepts(deliveries) && left > 0) {
        left = roomMade.awaitNanos(left);
      }
      made = accepts(deliveries);
      if (!made && open) {
        stalled = true;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      roomLock.unlock();
    }
    (made ? roomWaits : roomWaitsRunOut).record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
  }

  /** Deliveries committed in flight under a lease of this node, to send next, group by group. */
  void add(List<Delivery.New> committed) {
    if (!open || committed.isEmpty()) {
      return; // stopped meanwhile: the leases are released or expire, and the queue has them
    }
    var groups = new LinkedHashMap<String, DeliveryQueue.Claimed>();
    for (var d : committed) {
      groups.computeIfAbsent(d.groupId(), id -> new DeliveryQueue.Claimed(id, d.integrationId(),
              d.leaseOwner(), d.leaseUntil(), 0, d.createdAt(), new ArrayList<>()))
          .members().add(new DeliveryQueue.Member(d.id(), d.messageId(), d.payload()));
    }
    groups.values().forEach(g ->
        waiting.computeIfAbsent(g.integrationId(), id -> new ConcurrentLinkedQueue<>()).add(g));
    count.addAndGet(committed.size());
  }

  /** The integrations with hand-overs waiting. */
  Set<String> integrations() {
    var ids = new TreeSet<String>();
    waiting.forEach((id, groups) -> {
      if (!groups.isEmpty()) {
        ids.add(id);
      }
    });
    return ids;
  }

  /**
   * Up to {@code max} deliveries of the integration's hand-overs whose lease has at least half its
   * duration left. One whose lease may lapse soon (renewals failed, as when the database is away)
   * is dropped: the reclaim queues it for whichever node is free, and sending it here could
   * duplicate that node's send.
   */
  List<DeliveryQueue.Claimed> take(String integrationId, Instant now, int max, Leases leases) {
    var groups = waiting.get(integrationId);
    var taken = new ArrayList<DeliveryQueue.Claimed>();
    if (groups == null) {
      return taken;
    }
    DeliveryQueue.Claimed next;
    int deliveries = 0;
    while (deliveries < max && (next = groups.poll()) != null) {
      if (leases.safe(next.leaseUntil(), now)) {
        taken.add(next);
        deliveries += next.size();
      } else {
        leases.release(List.of(next.owner()));
        finished(next.size());
      }
    }
    return taken;
  }

  /** Handed-over deliveries were sent or dropped: room for ingest waiting in {@link #awaitRoom}. */
  void finished(int deliveries) {
    if (deliveries == 0) {
      return;
    }
    if (count.addAndGet(-deliveries) <= limit / 2) {
      stalled = false;
    }
    signalRoom();
  }

  private void signalRoom() {
    roomLock.lock();
    try {
      roomMade.signalAll();
    } finally {
      roomLock.unlock();
    }
  }
}
