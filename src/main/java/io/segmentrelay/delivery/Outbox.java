package io.segmentrelay.delivery;

import io.segmentrelay.system.Ids;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Where ingest leaves track calls: the one way into delivery. The deliveries of a request are
 * inserted in the caller's transaction, one queue row per integration. When this node's
 * dispatcher has room they are inserted in flight under this node's lease and, once committed,
 * sent from memory without a claim; otherwise they wait in the queue for any node. Either way
 * they are as durable as the commit.
 */
@Component
public class Outbox {

  private final DeliveryStore store;
  private final HandOff handOff;
  private final Leases leases;
  private final Dispatcher dispatcher;
  private final Clock clock;

  Outbox(DeliveryStore store, HandOff handOff, Leases leases, Dispatcher dispatcher, Clock clock) {
    this.store = store;
    this.handOff = handOff;
    this.leases = leases;
    this.dispatcher = dispatcher;
    this.clock = clock;
  }

  /**
   * Before a request's transaction: waits a little (without a connection) when the hand-off is
   * full, so that under a flood ingest accepts no faster than this node sends.
   */
  public void awaitRoom(int deliveries) {
    handOff.awaitRoom(deliveries);
  }

  /** Inserts the requests' deliveries as part of the caller's transaction. */
  public void enqueue(List<Delivery.Request> requests) {
    if (requests.isEmpty()) {
      return;
    }
    if (!TransactionSynchronizationManager.isSynchronizationActive()) {
      throw new IllegalStateException("Deliveries are enqueued inside the ingest transaction");
    }
    var now = clock.instant();
    long sendable = requests.stream().filter(r -> !r.paused()).count();
    String owner = sendable > 0 && handOff.accepts((int) sendable) ? leases.hold() : null;
    var until = owner == null ? null : leases.until(now);
    var groups = new LinkedHashMap<String, String>();
    var inserted = new ArrayList<Delivery.New>();
    for (var r : requests) {
      var group = groups.computeIfAbsent(
          r.integrationId(), id -> Ids.timeOrdered("grp", now.toEpochMilli()));
      var status = r.paused() ? Delivery.Status.HELD
          : owner != null ? Delivery.Status.IN_FLIGHT : Delivery.Status.PENDING;
      boolean leased = status == Delivery.Status.IN_FLIGHT;
      inserted.add(new Delivery.New(Ids.timeOrdered("dlv", now.toEpochMilli()), group,
          r.integrationId(), r.eventId(), r.eventType(), r.messageId(), status, r.payload(), now,
          leased ? owner : null, leased ? until : null, r.note()));
    }
    store.insertAll(inserted);
    boolean queued = inserted.stream().anyMatch(d -> d.status() == Delivery.Status.PENDING);
    TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
      @Override
      public void afterCompletion(int status) {
        if (status != STATUS_COMMITTED) {
          if (owner != null) {
            leases.release(List.of(owner));
          }
          return;
        }
        if (owner != null) {
          handOff.add(inserted.stream().filter(d -> owner.equals(d.leaseOwner())).toList());
        }
        if (owner != null || queued) {
          dispatcher.wake(queued);
        }
      }
    });
  }
}
