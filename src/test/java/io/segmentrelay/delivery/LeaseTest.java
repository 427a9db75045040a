package io.segmentrelay.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.segmentrelay.support.TestDatabases;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Leases are short and renewed while their node holds the work: a node that stops renewing has its
 * work taken over, a live one keeps it, and on the embedded database a restart takes back
 * everything at once.
 */
class LeaseTest extends DeliveryTestSupport {

  @org.junit.jupiter.api.AfterEach
  void closeHandOff() {
    dispatcher.stop();
  }

  private static final Duration LEASE = Duration.ofSeconds(20);

  @Autowired DeliveryQueue queue;
  @Autowired Leases leases;

  @BeforeEach
  void setUp() {
    newSetup();
  }

  @Test
  void a_renewed_lease_is_kept_and_one_not_renewed_is_taken_over_naming_its_node() {
    postEvents(tenant, batchOf("evt_live_", 3));
    claim("live-node:1");
    postEvents(tenant, batchOf("evt_dead_", 2));
    claim("dead-node:7");

    clock.advance(Duration.ofSeconds(15));
    assertThat(queue.renewLeases(List.of("live-node:1"), clock.instant().plus(LEASE))).isEqualTo(1);
    clock.advance(Duration.ofSeconds(10));

    assertThat(queue.reclaimExpiredLeases(clock.instant())).isEqualTo(Map.of("dead-node", 2));
    assertThat(statuses()).containsEntry("in_flight", 3L).containsEntry("pending", 2L);
    assertThat(dispatcher.runDue()).isEqualTo(2);
    assertThat(sandbox().stats(writeKey).events()).isEqualTo(2);
  }

  @Test
  void on_the_embedded_database_a_restart_takes_back_every_lease_at_once() {
    postEvents(tenant, batchOf("evt_left_", 4));
    claim("earlier-run:3");

    dispatcher.loop().open();
    if (TestDatabases.postgres()) {
      assertThat(statuses()).as("nodes sharing PostgreSQL may be alive: their leases are kept")
          .containsEntry("in_flight", 4L);
      leases.takeOverEarlierRuns();
    }
    assertThat(statuses()).containsEntry("pending", 4L);
    assertThat(dispatcher.runDue()).as("due at once, without waiting out the lease").isEqualTo(4);
    assertThat(sandbox().stats(writeKey).events()).isEqualTo(4);
  }

  private void claim(String owner) {
    var now = clock.instant();
    assertThat(queue.claim(integrationId, owner, now, now.plus(LEASE), 100)).hasSize(1);
  }

  private Map<String, Long> statuses() {
    var counts = new java.util.TreeMap<String, Long>();
    allDeliveries().forEach(d -> counts.merge(d.get("status").asString(), 1L, Long::sum));
    return counts;
  }
}
