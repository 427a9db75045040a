package io.segmentrelay.ingest;

import io.segmentrelay.auth.Caller;
import io.segmentrelay.delivery.Delivery;
import io.segmentrelay.delivery.Outbox;
import io.segmentrelay.identity.Identity;
import io.segmentrelay.identity.IdentityService;
import io.segmentrelay.integration.IntegrationStore;
import io.segmentrelay.system.RelayProperties;
import io.segmentrelay.system.RowInserts;
import io.segmentrelay.system.Dialect;
import io.segmentrelay.track.SurveyEvent;
import io.segmentrelay.track.TrackCall;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
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

  private static final int ATTEMPTS = 8;

  private static final RowInserts.Into EVENTS =
      new RowInserts.Into("events", "app_id, event_id, accepted_at");

  private final JdbcClient jdbc;
  private final RowInserts rows;
  private final TransactionTemplate tx;
  private final IdentityService identity;
  private final IntegrationStore integrations;
  private final JsonMapper json;
  private final Clock clock;
  private final String version;
  private final Dialect set;
  private final Outbox outbox;

  IngestService(
      JdbcClient jdbc,
      RowInserts rows,
      TransactionTemplate tx,
      IdentityService identity,
      IntegrationStore integrations,
      JsonMapper json,
      Clock clock,
      RelayProperties properties,
      Dialect set,
      Outbox outbox) {
    this.jdbc = jdbc;
    this.rows = rows;
    this.tx = tx;
    this.identity = identity;
    this.integrations = integrations;
    this.json = json;
    this.clock = clock;
    this.version = properties.version();
    this.set = set;
    this.outbox = outbox;
  }

  /** What an ingest call did. */
  record Accepted(int accepted, int duplicates, int deliveries) {}

  /**
   * Stores the events and their deliveries, all or nothing, and returns after the commit. Two
   * concurrent requests with the same event id race on the unique key; the loser retries and
   * then sees the event as a duplicate.
   */
  Accepted accept(Caller.App app, List<SurveyEvent> events) {
    outbox.awaitRoom(events.size()); // at least one delivery per event, to one integration
    return inTransaction(() -> store(app, events));
  }

  /** An identify call, committed before it returns. */
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
        // Concurrent batches linking the same anonymous ids can collide again at once; a short
        // random pause lets the other commit first, and the next attempt then sees its rows.
        pause(attempt);
      }
    }
  }

  private static void pause(int attempt) {
    try {
      Thread.sleep(ThreadLocalRandom.current().nextInt(1, 5 * attempt + 2));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while retrying an ingest transaction", e);
    }
  }

  private Accepted store(Caller.App app, List<SurveyEvent> events) {
    var now = clock.instant();
    var fresh = newEvents(app.appId(), events);
    var targets = integrations.list(app.organizationId());
    var identities = identity.resolveAll(app.organizationId(), fresh.stream()
        .map(e -> new IdentityService.Input(e.userId(), e.anonymousId(), e.traits()))
        .toList());
    var requests = new ArrayList<Delivery.Request>();
    for (int i = 0; i < fresh.size(); i++) {
      var event = fresh.get(i);
      for (var integration : targets) {
        var name = integration.events().nameFor(event);
        if (name.isPresent()) {
          var target = new TrackCall.Target(
              app.organizationId(), app.appId(), integration.id(), name.get(), version);
          var call = TrackCall.freeze(json, event, identities.get(i), target);
          requests.add(new Delivery.Request(integration.id(), integration.paused(), event.id(),
              event.typeKey(), call.messageId(), call.json(), call.note()));
        }
      }
    }
    insertEvents(app.appId(), fresh, now);
    outbox.enqueue(requests);
    return new Accepted(events.size(), events.size() - fresh.size(), requests.size());
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
        (row, e) -> row.string(appId).string(e.id()).timestamp(now));
  }
}
