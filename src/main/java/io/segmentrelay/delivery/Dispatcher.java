package io.segmentrelay.delivery;

import io.segmentrelay.system.RelayProperties;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Moves due deliveries to Segment. One loop claims due rows per active integration and hands each
 * claim to a virtual-thread worker; each integration has its own slots, so a slow or failing
 * destination never holds back another (L5). The loop wakes when deliveries become due in this
 * process (ingest, resume, replay), when a worker finishes, at the next due attempt or expiring
 * lease, and at the latest every poll interval (other nodes' ingests).
 */
@Component
public class Dispatcher implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);
  private static final Duration RECLAIM_EVERY = Duration.ofSeconds(5);

  private final DeliveryQueue queue;
  private final DeliveryWorker worker;
  private final Clock clock;
  private final RelayProperties.Delivery settings;
  private final String node = nodeName();
  private final AtomicLong claims = new AtomicLong();
  private final Map<String, Semaphore> slots = new ConcurrentHashMap<>();
  private final Object signal = new Object();
  private boolean wakeRequested;
  private volatile boolean running;
  private Thread loop;
  private ExecutorService workers;
  private Instant lastReclaim = Instant.EPOCH;

  Dispatcher(DeliveryQueue queue, DeliveryWorker worker, Clock clock, RelayProperties properties) {
    this.queue = queue;
    this.worker = worker;
    this.clock = clock;
    this.settings = properties.delivery();
  }

  @EventListener
  void on(DeliveriesReady ready) {
    wake();
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
    queue.reclaimExpiredLeases(clock.instant());
    boolean claimedAny = true;
    while (claimedAny) {
      claimedAny = false;
      for (var integrationId : queue.activeIntegrationIds()) {
        var claim = claim(integrationId, clock.instant());
        if (!claim.rows().isEmpty()) {
          worker.process(integrationId, claim.owner(), claim.rows());
          processed += claim.rows().size();
          claimedAny = true;
        }
      }
    }
    return processed;
  }

  private boolean dispatchDue() {
    var now = clock.instant();
    if (Duration.between(lastReclaim, now).compareTo(RECLAIM_EVERY) >= 0) {
      int reclaimed = queue.reclaimExpiredLeases(now);
      if (reclaimed > 0) {
        log.warn("Reclaimed {} deliveries whose lease expired (a node stopped or stalled)", reclaimed);
      }
      lastReclaim = now;
    }
    boolean claimedAny = false;
    for (var integrationId : queue.activeIntegrationIds()) {
      claimedAny |= dispatchIntegration(integrationId, now);
    }
    return claimedAny;
  }

  private boolean dispatchIntegration(String integrationId, Instant now) {
    var slot =
        slots.computeIfAbsent(integrationId, id -> new Semaphore(settings.concurrencyPerIntegration()));
    boolean claimedAny = false;
    while (running && slot.tryAcquire()) {
      var claim = claim(integrationId, now);
      var owner = claim.owner();
      var claimed = claim.rows();
      if (claimed.isEmpty()) {
        slot.release();
        break;
      }
      claimedAny = true;
      workers.submit(
          () -> {
            try {
              worker.process(integrationId, owner, claimed);
            } catch (RuntimeException e) {
              log.error("Delivery worker failed for integration {}; its lease will expire and"
                  + " the deliveries will be retried", integrationId, e);
            } finally {
              slot.release();
              wake();
            }
          });
      if (claimed.size() < settings.claimSize()) {
        break;
      }
    }
    return claimedAny;
  }

  private void runLoop() {
    while (running) {
      try {
        if (!dispatchDue()) {
          awaitWork();
        }
      } catch (RuntimeException e) {
        log.error("Dispatcher loop error; continuing", e);
        pause(Duration.ofSeconds(1));
      }
    }
  }

  /** Sleeps until woken, the next due attempt or lease expiry, or the poll interval. */
  private void awaitWork() {
    var poll = settings.pollInterval();
    var wait = queue.nextWakeUp()
        .map(at -> Duration.between(clock.instant(), at))
        .filter(d -> !d.isNegative() && d.compareTo(poll) < 0)
        .orElse(poll);
    pause(wait);
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
      wakeRequested = false;
    }
  }

  /** Up to a claim's worth of the integration's due deliveries, under a new lease owner. */
  private record Claim(String owner, java.util.List<DeliveryQueue.Claimed> rows) {}

  private Claim claim(String integrationId, Instant now) {
    var owner = nextOwner();
    return new Claim(owner, queue.claim(
        integrationId, owner, now, now.plus(settings.leaseDuration()), settings.claimSize()));
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
    running = true;
    workers = Executors.newVirtualThreadPerTaskExecutor();
    loop = Thread.ofPlatform().name("relay-dispatcher").daemon().start(this::runLoop);
    log.info("Delivery dispatcher started as node {}", node);
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
    try {
      if (!workers.awaitTermination(20, TimeUnit.SECONDS)) {
        workers.shutdownNow();
      }
      loop.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
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
