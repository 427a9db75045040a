package io.segmentrelay.ingest;

import io.segmentrelay.auth.Caller;
import io.segmentrelay.delivery.DeliveriesReady;
import io.segmentrelay.delivery.Delivery;
import io.segmentrelay.delivery.DeliveryStore;
import io.segmentrelay.delivery.Dispatcher;
import io.segmentrelay.identity.Identity;
import io.segmentrelay.identity.IdentityService;
import io.segmentrelay.integration.Integration;
import io.segmentrelay.integration.IntegrationStore;
import io.segmentrelay.system.Ids;
import io.segmentrelay.system.RelayProperties;
import io.segmentrelay.system.RowInserts;
import io.segmentrelay.system.SetParameter;
import io.segmentrelay.track.SurveyEvent;
import io.segmentrelay.track.TrackCall;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Accepts validated events: in one transaction, stores each new event, stitches its identity and
 * queues one frozen track call per integration that forwards its type.
 */
@Service
class IngestService {

  private static final int ATTEMPTS = 3;

  private static final RowInserts.Into EVENTS =
      new RowInserts.Into("events", "app_id, event_id, type, occurred_at, accepted_at");

  private final JdbcClient jdbc;
  private final RowInserts rows;
  private final TransactionTemplate tx;
  private final IdentityService identity;
  private final IntegrationStore integrations;
  private final DeliveryStore deliveries;
  private final JsonMapper json;
  private final Clock clock;
  private final ApplicationEventPublisher publisher;
  private final String version;
  private final SetParameter set;
  private final Dispatcher dispatcher;

  IngestService(
      JdbcClient jdbc,
      RowInserts rows,
      TransactionTemplate tx,
      IdentityService identity,
      IntegrationStore integrations,
      DeliveryStore deliveries,
      JsonMapper json,
      Clock clock,
      ApplicationEventPublisher publisher,
      RelayProperties properties,
      SetParameter set,
      Dispatcher dispatcher) {
    this.jdbc = jdbc;
    this.rows = rows;
    this.tx = tx;
    this.identity = identity;
    this.integrations = integrations;
    this.deliveries = deliveries;
    this.json = json;
    this.clock = clock;
    this.publisher = publisher;
    this.version = properties.version();
    this.set = set;
    this.dispatcher = dispatcher;
  }

  /** What an ingest call did. */
  record Accepted(int accepted, int duplicates, int deliveries) {}

  /** What one transaction stored, and which of its deliveries this node sends without a claim. */
  private record Stored(Accepted accepted, List<Delivery.New> leased) {}

  /**
   * Stores the events and their deliveries, all or nothing. Returns only after the commit. Two
   * concurrent requests with the same event id race on the unique key; the loser retries and
   * then sees the event as a duplicate. Deliveries to active integrations are inserted in flight
   * under a lease of this node and handed to its dispatcher after the commit, when it has room;
   * when it has none, the request first waits a little for sending to make some (outside the
   * transaction, holding no connection).
   */
  Accepted accept(Caller.App app, List<SurveyEvent> events) {
    dispatcher.awaitRoom(events.size()); // at least one delivery per event, to one integration
    var stored = inTransaction(() -> store(app, events));
    dispatcher.handOff(stored.leased());
    if (stored.accepted().deliveries() > stored.leased().size()) {
      publisher.publishEvent(new DeliveriesReady());
    }
    return stored.accepted();
  }

  /** An identify call (E2), committed before it returns. */
  Identity identify(Caller.App app, String userId, String anonymousId, ObjectNode traits) {
    return inTransaction(
        () -> identity.resolveAll(app.organizationId(),
            List.of(new IdentityService.Input(userId, anonymousId, traits))).getFirst());
  }

  private <T> T inTransaction(Supplier<T> work) {
    for (int attempt = 1; ; attempt++) {
      try {
        return tx.execute(status -> work.get());
      } catch (DataIntegrityViolationException | TransientDataAccessException e) {
        if (attempt == ATTEMPTS) {
          throw e;
        }
      }
    }
  }

  private Stored store(Caller.App app, List<SurveyEvent> events) {
    var now = clock.instant();
    var fresh = newEvents(app.appId(), events);
    var targets = integrations.list(app.organizationId());
    var lease = fresh.isEmpty() ? Optional.<Dispatcher.Lease>empty()
        : dispatcher.leaseForIngest(fresh.size() * targets.size());
    var queued = new ArrayList<Delivery.New>();
    // The deliveries of this request to one integration share one queue row.
    var groups = new LinkedHashMap<String, String>();
    var identities = identity.resolveAll(app.organizationId(), fresh.stream()
        .map(e -> new IdentityService.Input(e.userId(), e.anonymousId(), e.traits()))
        .toList());
    for (int i = 0; i < fresh.size(); i++) {
      var event = fresh.get(i);
      var who = identities.get(i);
      for (var integration : targets) {
        var name = integration.events().nameFor(event);
        if (name.isPresent()) {
          var target =
              new TrackCall.Target(
                  app.organizationId(), app.appId(), integration.id(), name.get(), version);
          var call = TrackCall.freeze(json, event, who, target);
          var group = groups.computeIfAbsent(
              integration.id(), id -> Ids.timeOrdered("grp", now.toEpochMilli()));
          queued.add(delivery(integration, group, event, call, now, lease));
        }
      }
    }
    insertEvents(app.appId(), fresh, now);
    deliveries.insertAll(queued);
    return new Stored(
        new Accepted(events.size(), events.size() - fresh.size(), queued.size()),
        queued.stream().filter(d -> d.leaseOwner() != null).toList());
  }

  /** The events not yet accepted for this app, first occurrence only, in request order. */
  private List<SurveyEvent> newEvents(String appId, List<SurveyEvent> events) {
    var byId = new LinkedHashMap<String, SurveyEvent>();
    events.forEach(e -> byId.putIfAbsent(e.id(), e));
    Set<String> known =
        new HashSet<>(
            jdbc.sql("SELECT event_id FROM events WHERE app_id = ? AND "
                    + set.in("event_id", byId.keySet()))
                .params(set.values(List.of(appId), byId.keySet(), String.class))
                .query(String.class)
                .list());
    return byId.values().stream().filter(e -> !known.contains(e.id())).toList();
  }

  private void insertEvents(String appId, List<SurveyEvent> events, Instant now) {
    rows.insert(EVENTS, events,
        (row, e) -> row.string(appId).string(e.id()).string(e.typeKey())
            .timestamp(e.timestamp()).timestamp(now));
  }

  private static Delivery.New delivery(
      Integration integration, String groupId, SurveyEvent event, TrackCall.Frozen call,
      Instant now, Optional<Dispatcher.Lease> lease) {
    var status = integration.paused() ? Delivery.Status.HELD
        : lease.isPresent() ? Delivery.Status.IN_FLIGHT : Delivery.Status.PENDING;
    var leased = status == Delivery.Status.IN_FLIGHT ? lease.get() : null;
    return new Delivery.New(
        Ids.timeOrdered("dlv", now.toEpochMilli()),
        groupId,
        integration.id(),
        integration.organizationId(),
        event.id(),
        event.typeKey(),
        call.messageId(),
        status,
        call.json(),
        now,
        leased == null ? null : leased.owner(),
        leased == null ? null : leased.until(),
        call.note());
  }
}
