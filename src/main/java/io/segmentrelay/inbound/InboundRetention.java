package io.segmentrelay.inbound;

import io.segmentrelay.system.RelayProperties;
import io.segmentrelay.system.Sql;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Forgets received Segment message ids after the failed-delivery retention (30 days by default),
 * like accepted event ids: far longer than Segment retries a message, so idempotence holds.
 */
@Component
class InboundRetention {

  private static final Logger log = LoggerFactory.getLogger(InboundRetention.class);
  private static final int CHUNK = 5_000;

  private final JdbcClient jdbc;
  private final Clock clock;
  private final Duration keep;

  InboundRetention(JdbcClient jdbc, Clock clock, RelayProperties properties) {
    this.jdbc = jdbc;
    this.clock = clock;
    this.keep = properties.retention().failed();
  }

  @Scheduled(
      fixedDelayString = "${relay.retention.purge-interval:PT1H}",
      initialDelayString = "PT1M")
  void scheduledPurge() {
    try {
      purge();
    } catch (RuntimeException e) {
      log.error("Purging received Segment message ids failed; will try again at the next interval", e);
    }
  }

  /** Deletes message ids received before the retention, in chunks; returns how many. */
  int purge() {
    var before = Sql.ts(clock.instant().minus(keep));
    int total = 0;
    int deleted;
    do {
      deleted = jdbc.sql("DELETE FROM inbound_messages WHERE seq IN (SELECT seq FROM inbound_messages"
              + " WHERE received_at < ? ORDER BY seq LIMIT " + CHUNK + ")")
          .param(before)
          .update();
      total += deleted;
    } while (deleted == CHUNK);
    if (total > 0) {
      log.info("Purged {} received Segment message ids past retention", total);
    }
    return total;
  }
}
