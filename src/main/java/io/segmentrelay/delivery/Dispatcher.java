package io.segmentrelay.delivery;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.segmentrelay.system.Databases;
import io.segmentrelay.system.RelayProperties;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Moves due deliveries to Segment. One loop claims due rows per active integration and hands each
 * claim to a virtual-thread worker; each integration has its own slots, so a slow or failing
 * destination never holds back another. The loop wakes when deliveries become due in this
 * process (ingest, resume, replay), when a worker finishes, at the next due attempt or expiring
 * lease, and at the latest every poll interval (other nodes' ingests).
 *
 * <p>Deliveries accepted by this node skip the claim: ingest inserts them in flight under a lease
 * of this node ({@link #leaseForIngest}) and, once committed, hands them over ({@link #handOff});
 * the loop sends them before claiming from the queue. They are as durable as claimed ones: if this
 * node stops or dies first, its leases are released or expire and any node sends them. At most
 * {@code relay.delivery.handoff-limit} deliveries wait in memory. When they are that many, ingest
 * first waits for sending to make room ({@link #awaitRoom}, at most {@code
 * relay.delivery.handoff-wait}), and queues them only if none is made: under a sustained flood,
 * accepting no faster than this node sends keeps every delivery on the hand-off, where one that
 * went to the queue would cost a claim that reads it back. Sending that has stalled (a slow
 * destination) is not waited for again until the hand-off has half emptied.
 *
 * <p>Leases are short and renewed by a heartbeat while this node holds the work, so a node that
 * dies has its work taken over within a lease, and a live node's slow request never loses its
 * lease. On the embedded H2 no other process can hold a lease, so at start every lease in the
 * file is taken back at once.
 */
@Component
public class Dispatcher implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);
  private static final Duration RECLAIM_EVERY = Duration.ofSeconds(5);
  /**
   * While hand-overs keep the loop busy, how often it still looks in the queue without being told
   * to: for retries falling due and other nodes' work.
   */
  private static final Duration CLAIM_SWEEP_EVERY = Duration.ofSeconds(1);
  private static final Duration DUE_RECHECK = Duration.ofMillis(100);

  private final DeliveryQueue queue;
  private final DeliveryWorker worker;
  private final Clock clock;
  private final RelayProperties.Delivery settings;
  private final boolean embeddedDatabase;
  private final String node = nodeName();
  /** Lease owners of the work this node holds (handed over or claimed, until its outcome). */
  private final Set<String> heldLeases = ConcurrentHashMap.newKeySet();
  /** Until when the last renewal keeps every lease of this node (a millisecond count). */
  private final AtomicLong leasesRenewedUntil = new AtomicLong();
  private ScheduledExecutorService heartbeat;
  private final AtomicLong claims = new AtomicLong();
  private final Map<String, Semaphore> slots = new ConcurrentHashMap<>();
  private final Map<String, ConcurrentLinkedQueue<DeliveryQueue.Claimed>> handedOff =
      new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> queueTurns = new ConcurrentHashMap<>();
  /** Handed-over deliveries not yet finished (waiting or being sent). */
  private final AtomicInteger handedOffCount = new AtomicInteger();
  /** Signalled whenever handed-over deliveries finish, for ingest waiting for room. */
  private final ReentrantLock roomLock = new ReentrantLock();
  private final Condition roomMade = roomLock.newCondition();
  /** A wait for room ran out: ingest queues without waiting until the hand-off half empties. */
  private volatile boolean stalled;
  /** The queue's last answer to "when is the next wake-up", and when it was asked (loop only). */
  private Optional<Instant> nextWakeUp = Optional.empty();
  private long wakeUpAskedAt;
  private final Object signal = new Object();
  private boolean wakeRequested;
  private volatile boolean running;
  private Thread loop;
  private ExecutorService workers;
  private Instant lastReclaim = Instant.EPOCH;
  /**
   * Whether the queue may hold due work: set when deliveries were queued (ingest beyond the
   * hand-off limit, resume, retry, replay), leases reclaimed, a claim came back full, or the loop
   * slept until a due time; cleared by a pass that claims. Hand-overs alone need no claim, which
   * on PostgreSQL is a transaction per try.
   */
  private volatile boolean claimNeeded = true;
  private Instant lastClaimSweep = Instant.EPOCH;

  /** How long ingest waited for room in the hand-off, by whether room was made. */
  private final Timer roomWaits;
  private final Timer roomWaitsRunOut;

  Dispatcher(DeliveryQueue queue, DeliveryWorker worker, Clock clock, RelayProperties properties,
      MeterRegistry registry, @Value("${spring.datasource.url:}") String datasourceUrl) {
    this.queue = queue;
    this.worker = worker;
    this.clock = clock;
    this.settings = properties.delivery();
    this.embeddedDatabase = Databases.embeddedH2(datasourceUrl);
    Gauge.builder("relay.handoff.deliveries", handedOffCount, AtomicInteger::get)
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

  @EventListener
  void on(DeliveriesReady ready) {
    claimNeeded = true;
    wake();
  }

  /** A lease for deliveries that ingest inserts in flight and then hands over. */
  public record Lease(String owner, Instant until) {}

  /**
   * A lease for {@code deliveries} about to be inserted by ingest, or empty when they should be
   * queued for a claim instead: the dispatcher is not running here, or enough wait in memory.
   */
  public Optional<Lease> leaseForIngest(int deliveries) {
    if (!running || handedOffCount.get() + deliveries > settings.handoffLimit()) {
      return Optional.empty();
    }
    return Optional.of(new Lease(nextOwner(), clock.instant().plus(settings.leaseDuration())));
  }

  /**
   * Before ingest stores {@code deliveries} deliveries: waits, at most {@code
   * relay.delivery.handoff-wait}, until the hand-off has room for them. Returns at once when it
   * has, when the dispatcher is not running here, when they could never fit, and while sending is
   * stalled (an earlier wait ran out and the hand-off has not half emptied since). Real time,
   * whatever the clock says: it only paces ingest, and decides nothing about a delivery.
   *
   * @return whether it waited and room was made
   */
  public boolean awaitRoom(int deliveries) {
    if (!running || stalled || deliveries > settings.handoffLimit() || hasRoom(deliveries)) {
      return false;
    }
    long start = System.nanoTime();
    long left = settings.handoffWait().toNanos();
    boolean made = false;
    roomLock.lock();
    try {
      while (running && !hasRoom(deliveries) && left > 0) {
        left = roomMade.awaitNanos(left);
      }
      made = running && hasRoom(deliveries);
      if (!made && running) {
        stalled = true;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      roomLock.unlock();
    }
    (made ? roomWaits : roomWaitsRunOut).record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
    return made;
  }

  private boolean hasRoom(int deliveries) {
    return handedOffCount.get() + deliveries <= settings.handoffLimit();
  }

  /** Handed-over deliveries finished or dropped: room for ingest waiting in {@link #awaitRoom}. */
  private void finished(int deliveries) {
    if (handedOffCount.addAndGet(-deliveries) <= settings.handoffLimit() / 2) {
      stalled = false;
    }
    roomLock.lock();
    try {
      roomMade.signalAll();
    } finally {
      roomLock.unlock();
    }
  }

  /**
   * Deliveries committed in flight under a {@link #leaseForIngest} lease, to send next, group by
   * group.
   */
  public void handOff(List<Delivery.New> committed) {
    if (!running || committed.isEmpty()) {
      return; // stopped meanwhile: the leases are released or expire, and the queue has them
    }
    var groups = new LinkedHashMap<String, DeliveryQueue.Claimed>();
    for (var d : committed) {
      groups.computeIfAbsent(d.groupId(), id -> new DeliveryQueue.Claimed(id, d.integrationId(),
              d.leaseOwner(), d.leaseUntil(), 0, d.createdAt(), new ArrayList<>()))
          .members().add(new DeliveryQueue.Member(d.id(), d.messageId(), d.payload()));
    }
    groups.values().forEach(g -> {
      heldLeases.add(g.owner());
      handedOff.computeIfAbsent(g.integrationId(), id -> new ConcurrentLinkedQueue<>()).add(g);
    });
    handedOffCount.addAndGet(committed.size());
    wake();
  }

  /**
   * Up to a claim's worth of the integration's handed-over deliveries. One whose lease may lapse
   * soon (renewals failed, as when the database is away) is left alone: the reclaim will queue it
   * for whichever node is free, and sending it now could duplicate that node's send.
   */
  private List<DeliveryQueue.Claimed> takeHandedOff(String integrationId, Instant now) {
    var waiting = handedOff.get(integrationId);
    var taken = new ArrayList<DeliveryQueue.Claimed>();
    if (waiting == null) {
      return taken;
    }
    var half = settings.leaseDuration().dividedBy(2);
    DeliveryQueue.Claimed next;
    int deliveries = 0;
    while (deliveries < settings.claimSize() && (next = waiting.poll()) != null) {
      var until = next.leaseUntil().toEpochMilli() < leasesRenewedUntil.get()
          ? Instant.ofEpochMilli(leasesRenewedUntil.get()) : next.leaseUntil();
      if (now.isBefore(until.minus(half))) {
        taken.add(next);
        deliveries += next.size();
      } else {
        heldLeases.remove(next.owner());
        finished(next.size());
      }
    }
    return taken;
  }

  /** Makes the loop look for due deliveries now. */
  public void wake() {
    synchronized (signal) {
      wakeRequested = true;
      signal.notifyAll();
    }
  }

  /**
   * Claims and sends everything due now, in the calling thread, until nothing is due. For tests
   * that step a clock, and for the test endpoint; the background loop does the same in workers.
   *
   * @return how many deliveries were processed
   */
  public int runDue() {
    int processed = 0;
    reclaim(clock.instant());
    boolean claimedAny = true;
    while (claimedAny) {
      claimedAny = false;
      for (var integrationId : queue.activeIntegrationIds()) {
        var claimed = claim(integrationId, clock.instant());
        if (!claimed.isEmpty()) {
          worker.process(integrationId, claimed);
          processed += size(claimed);
          claimedAny = true;
        }
      }
    }
    return processed;
  }

  private boolean dispatchDue() {
    var now = clock.instant();
    if (Duration.between(lastReclaim, now).compareTo(RECLAIM_EVERY) >= 0) {
      if (reclaim(now)) {
        claimNeeded = true;
      }
      lastReclaim = now;
    }
    boolean claiming = claimNeeded
        || Duration.between(lastClaimSweep, now).compareTo(CLAIM_SWEEP_EVERY) >= 0;
    if (claiming) {
      claimNeeded = false;
      lastClaimSweep = now;
    }
    boolean claimedAny = false;
    // Only a claim needs the active integrations; a pass that only takes hand-overs reads nothing.
    // Handed-over deliveries of an integration paused since are taken too: the worker holds them.
    var integrationIds = claiming
        ? new LinkedHashSet<>(queue.activeIntegrationIds()) : new LinkedHashSet<String>();
    handedOff.forEach((id, waiting) -> {
      if (!waiting.isEmpty()) {
        integrationIds.add(id);
      }
    });
    for (var integrationId : integrationIds) {
      claimedAny |= dispatchIntegration(integrationId, now, claiming);
    }
    return claimedAny;
  }

  /** Takes over the work of nodes whose leases expired; whether there was any. */
  private boolean reclaim(Instant now) {
    var byNode = queue.reclaimExpiredLeases(now);
    byNode.forEach((from, deliveries) -> log.warn(
        "Took over {} deliveries from node {}, whose lease expired (it stopped, or lost the"
            + " database); they are sent again", deliveries, from));
    return !byNode.isEmpty();
  }

  /**
   * Extends the leases of everything this node holds. Called by the heartbeat every quarter of a
   * lease, so a renewal may fail twice before another node can take the work over.
   */
  void renewLeases() {
    var now = clock.instant();
    var until = now.plus(settings.leaseDuration());
    try {
      queue.renewLeases(List.copyOf(heldLeases), until);
      leasesRenewedUntil.set(until.toEpochMilli());
    } catch (RuntimeException e) {
      log.warn("Could not renew this node's leases; retrying ({})", e.toString());
    }
  }

  private boolean dispatchIntegration(String integrationId, Instant now, boolean claiming) {
    var slot =
        slots.computeIfAbsent(integrationId, id -> new Semaphore(settings.concurrencyPerIntegration()));
    boolean claimedAny = false;
    boolean queueLooked = false;
    while (running && slot.tryAcquire()) {
      var work = nextWork(integrationId, now, claiming);
      var claimed = work.groups();
      int handed = work.handedOff();
      queueLooked |= work.queueLooked();
      if (claimed.isEmpty()) {
        slot.release();
        break;
      }
      claimedAny = true;
      var owners = claimed.stream().map(DeliveryQueue.Claimed::owner).distinct().toList();
      heldLeases.addAll(owners);
      workers.submit(
          () -> {
            try {
              worker.process(integrationId, claimed);
            } catch (Throwable e) {
              giveBack(integrationId, owners, e);
            } finally {
              owners.forEach(heldLeases::remove);
              finished(handed);
              slot.release();
              wake();
            }
          });
      if (size(claimed) < settings.claimSize()) {
        break;
      }
    }
    if (claiming && !queueLooked) {
      claimNeeded = true; // no slot free for a claim this pass, or a full claim: look again
    }
    return claimedAny;
  }

  /**
   * A worker failed before writing every outcome (most often the database went away): its
   * groups go back to the queue now, or, if the database is still away, when their lease expires.
   */
  private void giveBack(String integrationId, List<String> owners, Throwable failure) {
    try {
      int released = queue.release(owners, clock.instant());
      log.warn("Sending for integration {} failed; {} deliveries go back to the queue ({})",
          integrationId, released, failure.toString());
    } catch (RuntimeException e) {
      log.warn("Sending for integration {} failed and its deliveries could not be given back;"
          + " they are retried when their lease expires ({})", integrationId, failure.toString());
    }
  }

  private void runLoop() {
    while (running) {
      try {
        if (!dispatchDue()) {
          awaitWork();
        }
      } catch (Throwable e) {
        log.error("Dispatcher loop error; continuing in a second ({})", e.toString());
        log.debug("Dispatcher loop error", e);
        pause(Duration.ofSeconds(1));
      }
    }
  }

  /**
   * Sleeps until woken, the next due attempt or lease expiry, or the poll interval. Under load the
   * loop sleeps between every two ingest requests, so the queue is asked for its next wake-up at
   * most every {@link #DUE_RECHECK}; a sleep on an earlier answer lasts no longer than that.
   */
  private void awaitWork() {
    var now = clock.instant();
    long askedAt = System.nanoTime(); // a rate limit: real time, whatever the clock says
    boolean recent = wakeUpAskedAt != 0 && askedAt - wakeUpAskedAt < DUE_RECHECK.toNanos();
    if (!recent) {
      nextWakeUp = queue.nextWakeUp();
      wakeUpAskedAt = askedAt;
    }
    var poll = settings.pollInterval();
    // Something already due that this pass did not claim (it only took hand-overs): look again
    // shortly. (An expired lease waits for the next reclaim, at most RECLAIM_EVERY away.)
    var wait = nextWakeUp
        .map(at -> Duration.between(now, at))
        .map(d -> d.isNegative() ? DUE_RECHECK : d)
        .filter(d -> d.compareTo(poll) < 0)
        .orElse(poll);
    pause(recent && wait.compareTo(DUE_RECHECK) > 0 ? DUE_RECHECK : wait);
  }

  private void pause(Duration wait) {
    synchronized (signal) {
      if (!wakeRequested && running) {
        try {
          TimeUnit.NANOSECONDS.timedWait(signal, Math.max(1_000_000, wait.toNanos()));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          running = false;
        }
      }
      if (!wakeRequested) {
        claimNeeded = true; // slept until a due time or the poll: look in the queue
      }
      wakeRequested = false;
    }
  }

  /**
   * What a slot sends next, how many deliveries of those were handed over by ingest, and whether
   * the queue was found to hold no more than this (a claim came back short).
   */
  private record Work(List<DeliveryQueue.Claimed> groups, int handedOff, boolean queueLooked) {}

  private static int size(List<DeliveryQueue.Claimed> groups) {
    int deliveries = 0;
    for (var g : groups) {
      deliveries += g.size();
    }
    return deliveries;
  }

  /**
   * Handed-over deliveries and queued ones (retries, other nodes' ingest, a backlog) take turns,
   * so that neither waits behind the other while both are there.
   */
  private Work nextWork(String integrationId, Instant now, boolean claiming) {
    if (!claiming) {
      var handed = takeHandedOff(integrationId, now);
      return new Work(handed, size(handed), false);
    }
    boolean queueFirst =
        queueTurns.computeIfAbsent(integrationId, id -> new AtomicLong()).incrementAndGet() % 2 == 0;
    if (queueFirst) {
      var claimed = claim(integrationId, now);
      if (!claimed.isEmpty()) {
        return new Work(claimed, 0, size(claimed) < settings.claimSize());
      }
    }
    var handed = takeHandedOff(integrationId, now);
    if (!handed.isEmpty() || queueFirst) {
      return new Work(handed, size(handed), queueFirst);
    }
    var claimed = claim(integrationId, now);
    return new Work(claimed, 0, size(claimed) < settings.claimSize());
  }

  /** Up to a claim's worth of the integration's due deliveries, under a new lease owner. */
  private List<DeliveryQueue.Claimed> claim(String integrationId, Instant now) {
    var owner = nextOwner();
    heldLeases.add(owner); // renewed from the start, should the claim's transaction be slow
    try {
      return queue.claim(
          integrationId, owner, now, now.plus(settings.leaseDuration()), settings.claimSize());
    } finally {
      heldLeases.remove(owner); // the worker holds it from here
    }
  }

  private String nextOwner() {
    return node + ":" + claims.incrementAndGet();
  }

  @Override
  public void start() {
    if (!settings.enabled()) {
      log.info("Delivery dispatcher disabled (relay.delivery.enabled=false)");
      return;
    }
    // A hand-over that raced a previous stop is not sent: its lease was released with the rest.
    handedOff.clear();
    handedOffCount.set(0);
    heldLeases.clear();
    stalled = false;
    takeOverEarlierRuns();
    running = true;
    workers = Executors.newVirtualThreadPerTaskExecutor();
    var renewEvery = Math.max(100, settings.leaseDuration().toMillis() / 4);
    heartbeat = Executors.newSingleThreadScheduledExecutor(
        Thread.ofPlatform().name("relay-lease-heartbeat").daemon().factory());
    heartbeat.scheduleWithFixedDelay(
        this::renewLeases, renewEvery, renewEvery, TimeUnit.MILLISECONDS);
    loop = Thread.ofPlatform().name("relay-dispatcher").daemon().start(this::runLoop);
    log.info("Delivery dispatcher started as node {}", node);
  }

  /**
   * On the embedded database, what an earlier run left in flight is due now: no other process can
   * hold a lease there. Elsewhere leases are left to expire, since their nodes may be alive.
   */
  void takeOverEarlierRuns() {
    if (!embeddedDatabase) {
      return;
    }
    try {
      queue.takeOverAll(clock.instant()).forEach((from, deliveries) -> log.warn(
          "Took over {} deliveries left in flight by an earlier run ({}), which did not stop"
              + " cleanly; they are sent again", deliveries, from));
    } catch (RuntimeException e) {
      log.warn("Could not take over earlier runs' deliveries at start; they are taken over when"
          + " their leases expire ({})", e.toString());
    }
  }

  /** Graceful stop: no new claims; in-flight requests get time to finish, the rest is released. */
  @Override
  public void stop() {
    if (!running) {
      return;
    }
    running = false;
    wake();
    workers.shutdown();
    heartbeat.shutdown();
    try {
      if (!workers.awaitTermination(20, TimeUnit.SECONDS)) {
        workers.shutdownNow();
      }
      loop.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    handedOff.clear();
    handedOffCount.set(0);
    heldLeases.clear();
    finished(0); // ingest waiting for room goes on: the queue takes its deliveries
    int released = queue.releaseLeases(node + ":", clock.instant());
    log.info("Delivery dispatcher stopped; released {} unfinished deliveries", released);
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  private static String nodeName() {
    var runtime = ManagementFactory.getRuntimeMXBean().getName();
    return runtime + "-" + UUID.randomUUID().toString().substring(0, 8);
  }
}
