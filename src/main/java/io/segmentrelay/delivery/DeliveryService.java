package io.segmentrelay.delivery;

import io.segmentrelay.integration.IntegrationService;
import io.segmentrelay.system.ApiException;
import io.segmentrelay.system.Sql;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * What an admin can see and do with an integration's deliveries, for the API and the UI.
 * Every method checks that the integration belongs to the organization (else 404).
 */
@Service
public class DeliveryService {

  private final IntegrationService integrations;
  private final DeliveryStore store;
  private final DeliveryWorker worker;
  private final ApplicationEventPublisher publisher;
  private final JdbcClient jdbc;
  private final Clock clock;

  DeliveryService(
      IntegrationService integrations,
      DeliveryStore store,
      DeliveryWorker worker,
      ApplicationEventPublisher publisher,
      JdbcClient jdbc,
      Clock clock) {
    this.integrations = integrations;
    this.store = store;
    this.worker = worker;
    this.publisher = publisher;
    this.jdbc = jdbc;
    this.clock = clock;
  }

  /** The newest deliveries, optionally of one status. */
  public List<Delivery> list(String organizationId, String integrationId, Delivery.Status status, int limit) {
    integrations.get(organizationId, integrationId);
    return store.list(integrationId, status, limit);
  }

  public Delivery get(String organizationId, String integrationId, String deliveryId) {
    integrations.get(organizationId, integrationId);
    return store.find(integrationId, deliveryId).orElseThrow(() -> ApiException.notFound("Delivery"));
  }

  /** Redelivers one finished delivery now (a 409 for one still on its way). */
  public Delivery retry(String organizationId, String integrationId, String deliveryId) {
    var integration = integrations.get(organizationId, integrationId);
    var delivery = get(organizationId, integrationId, deliveryId);
    if (!ReplayFilter.REPLAYABLE.contains(delivery.status())) {
      throw ApiException.conflict(
          "Only failed, delivered or discarded deliveries can be retried; this one is "
              + delivery.status().wire());
    }
    store.requeue(integrationId, ReplayFilter.REPLAYABLE, deliveryId, null, null,
        integration.paused(), clock.instant());
    publisher.publishEvent(new DeliveriesReady());
    return get(organizationId, integrationId, deliveryId);
  }

  /** Redelivers every delivery matching the filter; returns how many. */
  public int replay(String organizationId, String integrationId, ReplayFilter filter) {
    var integration = integrations.get(organizationId, integrationId);
    int replayed =
        store.requeue(integrationId, filter.statuses(), null, filter.since(), filter.until(),
            integration.paused(), clock.instant());
    if (replayed > 0) {
      publisher.publishEvent(new DeliveriesReady());
    }
    return replayed;
  }

  /** Sends one test track call now; nothing is stored. */
  public Delivery.Attempt sendTest(String organizationId, String integrationId) {
    return worker.sendTest(integrations.get(organizationId, integrationId));
  }

  /** Counts for the last {@code window}, and the hourly chart over it. */
  public DeliveryStats stats(String organizationId, String integrationId, Duration window) {
    integrations.get(organizationId, integrationId);
    var now = clock.instant();
    var since = now.minus(window);
    return new DeliveryStats(
        countSince(integrationId, "delivered", "delivered_at", since),
        countSince(integrationId, "failed", "updated_at", since),
        jdbc.sql("SELECT COALESCE(SUM(size), 0) FROM delivery_groups WHERE integration_id = ?"
                + " AND status = 'pending' AND attempt_count > 0")
            .param(integrationId).query(Long.class).single(),
        store.countHeld(integrationId),
        lastError(integrationId, since),
        hourly(integrationId, now, window));
  }

  private long countSince(String integrationId, String status, String column, Instant since) {
    return jdbc.sql("SELECT COALESCE(SUM(size), 0) FROM delivery_groups WHERE integration_id = ?"
            + " AND status = ? AND " + column + " >= ?")
        .params(integrationId, status, Sql.ts(since))
        .query(Long.class)
        .single();
  }

  private DeliveryStats.LastError lastError(String integrationId, Instant since) {
    return jdbc.sql(
            "SELECT a.attempted_at, a.http_status, a.error, a.response_body FROM delivery_attempts a"
                + " JOIN deliveries d ON d.id = a.delivery_id WHERE d.integration_id = ?"
                + " AND (a.http_status IS NULL OR a.http_status >= 300) AND a.attempted_at >= ?"
                + " ORDER BY a.seq DESC LIMIT 1")
        .params(integrationId, Sql.ts(since))
        .query(
            (rs, n) ->
                new DeliveryStats.LastError(
                    Sql.instant(rs, "attempted_at"),
                    rs.getObject("http_status", Integer.class),
                    rs.getString("error"),
                    rs.getString("response_body")))
        .optional()
        .orElse(null);
  }

  private List<DeliveryStats.Hour> hourly(String integrationId, Instant now, Duration window) {
    var end = now.truncatedTo(ChronoUnit.HOURS).plus(Duration.ofHours(1));
    var start = end.minus(window.toHours() < 1 ? Duration.ofHours(1) : Duration.ofHours(window.toHours()));
    var delivered = perHour(integrationId, "delivered", "delivered_at", start);
    var failed = perHour(integrationId, "failed", "updated_at", start);
    var hours = new ArrayList<DeliveryStats.Hour>();
    for (var hour = start; hour.isBefore(end); hour = hour.plus(Duration.ofHours(1))) {
      long bucket = hour.getEpochSecond() / 3600;
      hours.add(new DeliveryStats.Hour(
          hour, delivered.getOrDefault(bucket, 0L), failed.getOrDefault(bucket, 0L)));
    }
    return hours;
  }

  private Map<Long, Long> perHour(String integrationId, String status, String column, Instant since) {
    var counts = new HashMap<Long, Long>();
    jdbc.sql("SELECT FLOOR(EXTRACT(EPOCH FROM " + column + ") / 3600) AS bucket, SUM(size) AS n"
            + " FROM delivery_groups WHERE integration_id = ? AND status = ? AND " + column + " >= ?"
            + " GROUP BY FLOOR(EXTRACT(EPOCH FROM " + column + ") / 3600)")
        .params(integrationId, status, Sql.ts(since))
        .query(rs -> {
          counts.put(rs.getLong("bucket"), rs.getLong("n"));
        });
    return counts;
  }
}
