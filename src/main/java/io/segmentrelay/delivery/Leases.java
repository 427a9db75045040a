package io.segmentrelay.delivery;

import io.segmentrelay.system.RelayProperties;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The leases this node holds. Each claim or hand-over has an owner of its own ({@code node:n}),
 * and a heartbeat renews every held lease each quarter of a lease, so leases can be short: a node
 * that dies has its work taken over within a lease, and a live node's slow request keeps its own.
 */
@Component
class Leases {

  private static final Logger log = LoggerFactory.getLogger(Leases.class);

  private final DeliveryQueue queue;
  private final Clock clock;
  private final Duration duration;
  private final String node = nodeName();
  private final AtomicLong owners = new AtomicLong();
  private final Set<String> held = ConcurrentHashMap.newKeySet();
  /** Until when the last renewal keeps every held lease (a millisecond count). */
  private final AtomicLong renewedUntil = new AtomicLong();
  private ScheduledExecutorService heartbeat;

  Leases(DeliveryQueue queue, Clock clock, RelayProperties properties) {
    this.queue = queue;
    this.clock = clock;
    this.duration = properties.delivery().leaseDuration();
  }

  String node() {
    return node;
  }

  /** A new lease owner, held (renewed) until {@link #release}. */
  String hold() {
    var owner = node + ":" + owners.incrementAndGet();
    held.add(owner);
    return owner;
  }

  void release(Collection<String> released) {
    held.removeAll(released);
  }

  /** When a lease taken now expires unless renewed. */
  Instant until(Instant now) {
    return now.plus(duration);
  }

  /** Whether a lease that was to expire at {@code until} (or later, if renewed) has half its time left. */
  boolean safe(Instant until, Instant now) {
    var renewed = Instant.ofEpochMilli(renewedUntil.get());
    var expires = until.isBefore(renewed) ? renewed : until;
    return now.isBefore(expires.minus(duration.dividedBy(2)));
  }

  /** Extends every held lease; a failure is retried at the next beat, well before they expire. */
  void renew() {
    var until = until(clock.instant());
    try {
      queue.renewLeases(List.copyOf(held), until);
      renewedUntil.set(until.toEpochMilli());
    } catch (RuntimeException e) {
      log.warn("Could not renew this node's leases; retrying ({})", e.toString());
    }
  }

  void startHeartbeat() {
    held.clear();
    var every = Math.max(100, duration.toMillis() / 4);
    heartbeat = Executors.newSingleThreadScheduledExecutor(
        Thread.ofPlatform().name("relay-lease-heartbeat").daemon().factory());
    heartbeat.scheduleWithFixedDelay(this::renew, every, every, TimeUnit.MILLISECONDS);
  }

  /** Stops renewing, and gives every lease of this node back to the queue. */
  int stop() {
    if (heartbeat != null) {
      heartbeat.shutdown();
      heartbeat = null;
    }
    held.clear();
    return queue.releaseLeases(node + ":", clock.instant());
  }

  /** Takes over the work of nodes whose leases expired; whether there was any. */
  boolean reclaimExpired(Instant now) {
    var byNode = queue.reclaimExpiredLeases(now);
    byNode.forEach((from, deliveries) -> log.warn(
        "Took over {} deliveries from node {}, whose lease expired (it stopped, or lost the"
            + " database); they are sent again", deliveries, from));
    return !byNode.isEmpty();
  }

  /** A worker failed before writing every outcome (most often the database went away). */
  void giveBack(String integrationId, List<String> owners, Throwable failure) {
    try {
      int released = queue.release(owners, clock.instant());
      log.warn("Sending for integration {} failed; {} deliveries go back to the queue ({})",
          integrationId, released, failure.toString());
    } catch (RuntimeException e) {
      log.warn("Sending for integration {} failed and its deliveries could not be given back;"
          + " they are retried when their lease expires ({})", integrationId, failure.toString());
    }
  }

  /**
   * What earlier runs left in flight is due now: for the embedded database, which no other
   * process can open. Elsewhere leases are left to expire, since their nodes may be alive.
   */
  void takeOverEarlierRuns() {
    try {
      queue.takeOverAll(clock.instant()).forEach((from, deliveries) -> log.warn(
          "Took over {} deliveries left in flight by an earlier run ({}), which did not stop"
              + " cleanly; they are sent again", deliveries, from));
    } catch (RuntimeException e) {
      log.warn("Could not take over earlier runs' deliveries at start; they are taken over when"
          + " their leases expire ({})", e.toString());
    }
  }

  private static String nodeName() {
    var runtime = ManagementFactory.getRuntimeMXBean().getName();
    return runtime + "-" + UUID.randomUUID().toString().substring(0, 8);
  }
}
