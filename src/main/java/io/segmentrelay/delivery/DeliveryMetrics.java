package io.segmentrelay.delivery;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.segmentrelay.segment.SegmentResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Delivery metrics at {@code /actuator/prometheus}: outcomes, attempts by status class, queue
 * depth by status, and latency from acceptance to Segment's 2xx.
 */
@Component
class DeliveryMetrics {

  private final MeterRegistry registry;
  private final JdbcClient jdbc;
  private final Clock clock;
  private final Timer latency;
  private final MultiGauge depth;
  // Counters by tag value, looked up here rather than in the registry for every delivery.
  private final Map<String, Counter> attempts = new ConcurrentHashMap<>();
  private final Map<String, Counter> outcomes = new ConcurrentHashMap<>();

  DeliveryMetrics(MeterRegistry registry, JdbcClient jdbc, Clock clock) {
    this.registry = registry;
    this.jdbc = jdbc;
    this.clock = clock;
    this.latency =
        Timer.builder("relay.delivery.latency")
            .description("From ingest acceptance to Segment's 2xx")
            .publishPercentileHistogram()
            .register(registry);
    this.depth =
        MultiGauge.builder("relay.queue.depth")
            .description("Deliveries by status")
            .register(registry);
  }

  void attempt(SegmentResponse response) {
    var statusClass = response.error() != null ? "error" : (response.status() / 100) + "xx";
    attempts.computeIfAbsent(statusClass, c ->
        Counter.builder("relay.delivery.attempts")
            .description("Requests to Segment by HTTP status class")
            .tag("status_class", c)
            .register(registry))
        .increment();
  }


  void recorded(List<DeliveryQueue.Outcome> outcomes) {
    var now = clock.instant();
    for (var outcome : outcomes) {
      outcome(outcome.status().wire());
      if (outcome.status() == Delivery.Status.DELIVERED) {
        latency.record(Duration.between(outcome.group().createdAt(), now));
      }
    }
  }

  private void outcome(String outcome) {
    outcomes.computeIfAbsent(outcome, o ->
        Counter.builder("relay.deliveries")
            .description("Delivery outcomes after an attempt")
            .tag("outcome", o)
            .register(registry))
        .increment();
  }


  /** Queue depth is read from the table, so it is right across nodes. */
  @Scheduled(fixedDelayString = "PT15S", initialDelayString = "PT1S")
  void refreshDepth() {
    var rows =
        jdbc.sql("SELECT status, SUM(size) AS n FROM delivery_groups GROUP BY status")
            .query(
                (rs, n) ->
                    MultiGauge.Row.of(Tags.of("status", rs.getString("status")), rs.getLong("n")))
            .list();
    depth.register(rows, true);
  }
}
