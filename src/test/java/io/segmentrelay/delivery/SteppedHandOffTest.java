package io.segmentrelay.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The hand-off from ingest to the dispatcher, driven pass by pass with a stepped clock: the same
 * {@code runOnce} the background loop runs, with workers in the test's thread.
 */
class SteppedHandOffTest extends DeliveryTestSupport {

  private Dispatcher passes;

  @BeforeEach
  void open() {
    newSetup();
    passes = dispatcher.dispatcher();
    dispatcher.loop().open();
  }

  @AfterEach
  void close() {
    dispatcher.stop();
  }

  @Test
  void an_accepted_event_is_committed_in_flight_and_sent_by_the_next_pass_without_a_claim() {
    assertThat(postEvents(tenant, event("evt_1")).status()).isEqualTo(202);
    assertThat(status("evt_1")).isEqualTo("in_flight");
    assertThat(receivedEventIds()).isEmpty();

    assertThat(passes.runOnce()).isEqualTo(1);

    assertThat(status("evt_1")).isEqualTo("delivered");
    assertThat(receivedEventIds()).containsExactly("evt_1");
    assertThat(passes.runOnce()).as("nothing is sent twice").isZero();
  }

  @Test
  void a_hand_over_whose_lease_may_lapse_is_left_to_the_queue_and_sent_once_after_the_reclaim() {
    postEvents(tenant, event("evt_late"));
    // No heartbeat renewed the lease (as when the database is away): past half of it, another
    // node may take it over, so this node must not send it from memory.
    clock.advance(Duration.ofSeconds(11));
    assertThat(passes.runOnce()).isZero();
    assertThat(receivedEventIds()).isEmpty();
    assertThat(status("evt_late")).isEqualTo("in_flight");

    clock.advance(Duration.ofSeconds(10)); // the lease expired: the reclaim queues it
    assertThat(passes.runOnce()).isEqualTo(1);
    assertThat(status("evt_late")).isEqualTo("delivered");
    assertThat(receivedEventIds()).containsExactly("evt_late");
  }

  @Test
  void hand_overs_and_queued_deliveries_take_turns() {
    dispatcher.stop(); // with the hand-off closed, ingest queues for a claim
    postEvents(tenant, event("evt_queued_1"));
    postEvents(tenant, event("evt_queued_2"));
    dispatcher.loop().open();
    postEvents(tenant, event("evt_handed_1"));
    postEvents(tenant, event("evt_handed_2"));
    assertThat(status("evt_queued_1")).isEqualTo("pending");
    assertThat(status("evt_handed_1")).isEqualTo("in_flight");

    assertThat(passes.runOnce()).as("the hand-overs' turn").isEqualTo(2);
    postEvents(tenant, event("evt_handed_3"));
    assertThat(passes.runOnce()).as("the queue's turn, though a hand-over waits").isEqualTo(2);
    assertThat(passes.runOnce()).isEqualTo(1);

    assertThat(receivedEventIds()).containsExactly("evt_handed_1", "evt_handed_2",
        "evt_queued_1", "evt_queued_2", "evt_handed_3");
  }

  @Test
  void a_stop_gives_waiting_hand_overs_back_to_the_queue() {
    postEvents(tenant, event("evt_waiting"));
    assertThat(status("evt_waiting")).isEqualTo("in_flight");

    dispatcher.stop();

    assertThat(status("evt_waiting")).isEqualTo("pending");
    assertThat(dispatcher.runDue()).isEqualTo(1);
    assertThat(receivedEventIds()).containsExactly("evt_waiting");
  }
}
