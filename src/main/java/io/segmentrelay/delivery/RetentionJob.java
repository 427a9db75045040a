package io.segmentrelay.delivery;

import io.segmentrelay.system.RelayProperties;
import io.segmentrelay.system.Sql;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Purges finished deliveries and their attempts: delivered ones after {@code
 * relay.retention.delivered}, failed and discarded ones after {@code relay.retention.failed}.
 * Accepted-event ids, which make ingest idempotent, are kept as long as failed deliveries.
 */
@Component
class RetentionJob {

  private static final Logger log = LoggerFactory.getLogger(RetentionJob.class);
  private static final int CHUNK = 5_000;
  /** Groups hold up to hundreds of deliveries each, which are deleted with them. */
  private static final int GROUP_CHUNK = 100;

  private final JdbcClient jdbc;
  private final JdbcTemplate template;
  private final Clock clock;
  private final RelayProperties.Retention retention;
  private final TransactionTemplate tx;

  RetentionJob(JdbcClient jdbc, JdbcTemplate template, Clock clock, RelayProperties properties,
      TransactionTemplate tx) {
    this.jdbc = jdbc;
    this.template = template;
    this.tx = tx;
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
    int events = purgeEvents(now.minus(retention.failed()));
    if (purged > 0 || events > 0) {
      log.info("Purged {} finished deliveries and {} accepted-event ids past retention", purged,
          events);
    }
    return purged;
  }

  /** Deletes finished groups, their deliveries with them; returns how many deliveries. */
  private int purgeDeliveries(String statuses, Instant before) {
    int total = 0;
    List<Object[]> groups;
    do {
      groups = jdbc.sql("SELECT id, size FROM delivery_groups WHERE status IN " + statuses
              + " AND updated_at < ? LIMIT " + GROUP_CHUNK)
          .param(Sql.ts(before))
          .query((rs, n) -> new Object[] {rs.getString(1), rs.getInt(2)})
          .list();
      var chunk = groups;
      total += tx.execute(status -> purgeGroups(chunk, statuses, before));
    } while (groups.size() == GROUP_CHUNK);
    return total;
  }

  /**
   * Deletes these groups where still finished (a replay may have made one due again since it was
   * selected), then the deliveries of those deleted, in one transaction: a replay of a delivery
   * locks its group first, so it waits and then finds both gone.
   */
  private int purgeGroups(List<Object[]> groups, String statuses, Instant before) {
    var deleted = template.batchUpdate("DELETE FROM delivery_groups WHERE id = ? AND status IN "
            + statuses + " AND updated_at < ?", groups, 500,
        (ps, group) -> {
          ps.setString(1, (String) group[0]);
          ps.setObject(2, Sql.ts(before));
        });
    var gone = new ArrayList<String>();
    int total = 0;
    int i = 0;
    for (var counts : deleted) {
      for (int count : counts) {
        if (count > 0) {
          gone.add((String) groups.get(i)[0]);
          total += (int) groups.get(i)[1];
        }
        i++;
      }
    }
    template.batchUpdate("DELETE FROM deliveries WHERE group_id = ?", gone, 500,
        (ps, id) -> ps.setString(1, id));
    return total;
  }

  /**
   * Deletes accepted-event ids past retention, oldest first. Events are walked in seq order, the
   * order they were stored in, and the purge stops at the first one still kept: seq follows
   * acceptance, so this needs no index of its own (an event stored just out of order waits for
   * the next purge).
   */
  private int purgeEvents(Instant before) {
    int total = 0;
    long after = 0;
    while (true) {
      var chunk = jdbc.sql("SELECT seq, accepted_at FROM events WHERE seq > ? ORDER BY seq LIMIT "
              + CHUNK)
          .param(after)
          .query((rs, n) -> Map.entry(rs.getLong(1), Sql.instant(rs, 2)))
          .list();
      var expired = new ArrayList<Long>();
      for (var event : chunk) {
        if (!event.getValue().isBefore(before)) {
          break;
        }
        expired.add(event.getKey());
      }
      template.batchUpdate("DELETE FROM events WHERE seq = ?", expired, 500,
          (ps, seq) -> ps.setLong(1, seq));
      total += expired.size();
      if (expired.size() < CHUNK) {
        return total;
      }
      after = expired.getLast();
    }
  }
}
