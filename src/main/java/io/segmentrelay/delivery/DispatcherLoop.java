package io.segmentrelay.delivery;

import io.segmentrelay.system.Dialect;
import io.segmentrelay.system.RelayProperties;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * The dispatcher's background thread: runs a pass, and when it found nothing, sleeps until woken,
 * the next due time or the poll interval. Nothing thrown in a pass ends the loop.
 */
@Component
class DispatcherLoop implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(DispatcherLoop.class);

  private final Dispatcher dispatcher;
  private final HandOff handOff;
  private final Leases leases;
  private final boolean enabled;
  private final boolean embeddedDatabase;
  private ExecutorService workers;
  private volatile boolean running;
  private Thread thread;

  DispatcherLoop(Dispatcher dispatcher, HandOff handOff, Leases leases, RelayProperties properties,
      Dialect dialect) {
    this.dispatcher = dispatcher;
    this.handOff = handOff;
    this.leases = leases;
    this.enabled = properties.delivery().enabled();
    this.embeddedDatabase = dialect.embedded();
  }

  /**
   * Opens the hand-off and takes back what an earlier run left in flight, without the background
   * thread: passes then run only when called, workers in the caller's thread.
   */
  void open() {
    if (embeddedDatabase) {
      leases.takeOverEarlierRuns(); // no other process can hold a lease in its file
    }
    handOff.open(true);
  }

  @Override
  public void start() {
    if (!enabled) {
      log.info("Delivery dispatcher disabled (relay.delivery.enabled=false)");
      return;
    }
    open();
    workers = Executors.newVirtualThreadPerTaskExecutor();
    dispatcher.useWorkers(workers);
    leases.startHeartbeat();
    running = true;
    thread = Thread.ofPlatform().name("relay-dispatcher").daemon().start(this::run);
    log.info("Delivery dispatcher started as node {}", leases.node());
  }

  private void run() {
    while (running) {
      try {
        if (dispatcher.runOnce() == 0 && dispatcher.sleep.until(running) == Sleep.Woken.TIMED_OUT) {
          dispatcher.claimNext(); // slept until a due time or the poll: look in the queue
        }
      } catch (Throwable e) {
        log.error("Dispatcher loop error; continuing in a second ({})", e.toString());
        log.debug("Dispatcher loop error", e);
        dispatcher.sleep.pause(Duration.ofSeconds(1));
      }
    }
  }

  /** Graceful stop: no new claims; in-flight requests get time to finish, the rest is released. */
  @Override
  public void stop() {
    handOff.open(false); // ingest queues from now on; waiting hand-overs are released below
    if (!running) {
      leases.stop();
      return;
    }
    running = false;
    dispatcher.sleep.wake();
    workers.shutdown();
    try {
      if (!workers.awaitTermination(20, TimeUnit.SECONDS)) {
        workers.shutdownNow();
      }
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    dispatcher.useWorkers(Runnable::run);
    int released = leases.stop();
    log.info("Delivery dispatcher stopped; released {} unfinished deliveries", released);
  }

  @Override
  public boolean isRunning() {
    return running;
  }
}
