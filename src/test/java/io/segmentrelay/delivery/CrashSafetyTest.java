package io.segmentrelay.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.segmentrelay.system.RelayProperties;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.springframework.beans.factory.annotation.Autowired;

/** At least once and never twice in normal operation, across nodes. */
class CrashSafetyTest extends DeliveryTestSupport {

  @Autowired DeliveryQueue queue;
  @Autowired DeliveryWorker worker;
  @Autowired RelayProperties properties;

  @BeforeEach
  void setUp() {
    newSetup();
  }

  @Test
  void deliveries_claimed_by_a_node_that_vanished_are_delivered_once_its_lease_expires() {
    postEvents(tenant, batchOf("evt_", 5));
    var now = clock.instant();
    var claimed = queue.claim(integrationId, "vanished-node:1", now, now.plus(Duration.ofMinutes(2)), 100);
    assertThat(claimed).as("one group: the deliveries of one ingest request").hasSize(1);
    assertThat(claimed.getFirst().members()).hasSize(5);
    assertThat(allDeliveries()).allSatisfy(d -> assertThat(d.get("status").asString()).isEqualTo("in_flight"));

    assertThat(dispatcher.runDue()).as("a live lease is respected").isZero();
    clock.advance(Duration.ofMinutes(2));
    assertThat(dispatcher.runDue()).isEqualTo(5);

    assertThat(allDeliveries()).allSatisfy(d -> assertThat(d.get("status").asString()).isEqualTo("delivered"));
    assertThat(sandbox().stats(writeKey).events()).isEqualTo(5);
  }

  @Test
  void a_late_outcome_from_a_node_whose_lease_was_taken_over_changes_nothing() {
    postEvents(tenant, event("evt_late"));
    var now = clock.instant();
    var stale = queue.claim(integrationId, "slow-node:1", now, now.plusSeconds(60), 10);
    clock.advance(Duration.ofMinutes(1));
    dispatcher.runDue();
    assertThat(onlyDelivery().get("status").asString()).isEqualTo("delivered");

    queue.record(List.of(new DeliveryQueue.Outcome(stale.getFirst(),
        stale.getFirst().members().getFirst(),
        Delivery.Status.FAILED, null, "late", null, true, List.of(), clock.instant())));
    assertThat(onlyDelivery().get("status").asString()).isEqualTo("delivered");
  }

  /** Nodes share only a PostgreSQL: the embedded H2 belongs to one process. */
  @Test
  @EnabledIfSystemProperty(named = "relay.test.db", matches = "postgres")
  void two_dispatchers_on_one_postgresql_deliver_5000_events_each_exactly_once() throws Exception {
    for (int batch = 0; batch < 10; batch++) {
      assertThat(postEvents(tenant, batchOf("evt_" + batch + "_", 500)).status()).isEqualTo(202);
    }
    var second = new Dispatcher(queue, worker, new HandOff(properties, new SimpleMeterRegistry()),
        new Leases(queue, clock, properties), clock, properties);
    var pool = Executors.newFixedThreadPool(2);
    var runs = new ArrayList<Callable<Integer>>();
    for (var node : List.of(dispatcher.dispatcher(), second)) {
      runs.add(() -> {
        int total = 0;
        for (int i = 0; i < 20; i++) {
          total += node.runDue();
        }
        return total;
      });
    }
    int processed = 0;
    for (var future : pool.invokeAll(runs)) {
      processed += future.get();
    }
    pool.shutdown();

    assertThat(processed).isEqualTo(5000);
    var stats = sandbox().stats(writeKey);
    assertThat(stats.events()).isEqualTo(5000);
    assertThat(stats.duplicates()).isZero();
    assertThat(queueCount("delivered")).isEqualTo(5000);
  }

  @Test
  void a_single_dispatcher_delivers_5000_events_each_exactly_once() {
    long start = System.nanoTime();
    for (int batch = 0; batch < 10; batch++) {
      assertThat(postEvents(tenant, batchOf("evt_" + batch + "_", 500)).status()).isEqualTo(202);
    }
    long ingested = System.nanoTime();
    assertThat(dispatcher.runDue()).isEqualTo(5000);
    System.out.printf("ingest %d ms, deliver %d ms%n", (ingested - start) / 1_000_000,
        (System.nanoTime() - ingested) / 1_000_000);
    assertThat(sandbox().stats(writeKey).events()).isEqualTo(5000);
    assertThat(sandbox().stats(writeKey).duplicates()).isZero();
    assertThat(sandbox().stats(writeKey).requests()).isLessThanOrEqualTo(50);
  }

  @Test
  void the_same_events_sent_by_four_requests_at_once_are_accepted_and_delivered_once() throws Exception {
    var body = batchOf("evt_twice_", 200);
    var pool = Executors.newFixedThreadPool(4);
    var posts = new ArrayList<Callable<Integer>>();
    for (int i = 0; i < 4; i++) {
      posts.add(() -> {
        var response = postEvents(tenant, body);
        assertThat(response.status()).isEqualTo(202);
        return response.json().get("duplicates").asInt();
      });
    }
    int duplicates = 0;
    for (var future : pool.invokeAll(posts)) {
      duplicates += future.get();
    }
    pool.shutdown();

    assertThat(duplicates).as("every event new to exactly one request").isEqualTo(3 * 200);
    assertThat(jdbc.sql("SELECT COUNT(*) FROM deliveries WHERE integration_id = ?")
        .param(integrationId).query(Long.class).single()).isEqualTo(200);
    assertThat(dispatcher.runDue()).isEqualTo(200);
    assertThat(sandbox().stats(writeKey).events()).isEqualTo(200);
    assertThat(sandbox().stats(writeKey).duplicates()).isZero();
  }

  @Autowired org.springframework.jdbc.core.simple.JdbcClient jdbc;

  private long queueCount(String status) {
    return jdbc.sql("SELECT COUNT(*) FROM deliveries d JOIN delivery_groups g ON g.id = d.group_id"
            + " WHERE d.integration_id = ? AND g.status = ?")
        .params(integrationId, status).query(Long.class).single();
  }
}
