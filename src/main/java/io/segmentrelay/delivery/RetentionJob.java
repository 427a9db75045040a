package io.segmentrelay.delivery;

import io.segmentrelay.system.RelayProperties;
import io.segmentrelay.system.Sql;
import java.time.Clock;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Purges finished deliveries and their attempts (L8): delivered ones after {@code
 * relay.retention.delivered}, failed and discarded ones after {@code relay.retention.failed}.
 * Accepted-event ids, which make ingest idempotent, are kept as long as failed deliveries.
 */
@Component
class RetentionJob {

  private static final Logger log = LoggerFactory.getLogger(RetentionJob.class);
  private static final int CHUNK = 5_000;

  private final JdbcClient jdbc;
  private final Clock clock;
  private final RelayProperties.Retention retention;

  RetentionJob(JdbcClient jdbc, Clock clock, RelayProperties properties) {
    this.jdbc = jdbc;
    this.clock = clock;
    this.retention = properties.retention();
  }

  @Scheduled(
      fixedDelayString = "${relay.retention.purge-interval:PT1H}",
      initialDelayString = "PT1M")
  void scheduledPurge() {
    try {
      purge();
    } catch (RuntimeException e) {
      log.error("Retention purge failed; will try again at the next interval", e);
    }
  }

  /** Deletes what is past retention, in chunks so no transaction grows large. */
  int purge() {
    var now = clock.instant();
    int purged = purgeDeliveries("('delivered')", now.minus(retention.delivered()));
    purged += purgeDeliveries("('failed', 'discarded')", now.minus(retention.failed()));
    purgeEvents(now.minus(retention.failed()));
    if (purged > 0) {
      log.info("Purged {} finished deliveries past retention", purged);
    }
    return purged;
  }

  private int purgeDeliveries(String statuses, Instant before) {
    int total = 0;
    int deleted;
    do {
      deleted =
          jdbc.sql(
                  "DELETE FROM deliveries WHERE seq IN (SELECT seq FROM deliveries WHERE status IN "
                      + statuses + " AND updated_at < ? LIMIT " + CHUNK + ")")
              .param(Sql.ts(before))
              .update();
      total += deleted;
    } while (deleted == CHUNK);
    return total;
  }

  private void purgeEvents(Instant before) {
    int deleted;
    do {
      deleted =
          jdbc.sql(
                  "DELETE FROM events WHERE seq IN (SELECT seq FROM events WHERE accepted_at < ?"
                      + " LIMIT " + CHUNK + ")")
              .param(Sql.ts(before))
              .update();
    } while (deleted == CHUNK);
  }
}
