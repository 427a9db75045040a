package io.segmentrelay.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.segmentrelay.system.RelayProperties;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/**
 * With the hand-off full, ingest waits for sending to make room rather than queueing; a wait that
 * runs out (a stalled destination) is not repeated until the hand-off has half emptied.
 */
class HandOffRoomTest {

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private HandOff handOff;

  @BeforeEach
  void open() {
    var properties = new Binder(new MapConfigurationPropertySource(Map.of(
            "relay.delivery.handoff-limit", "50", "relay.delivery.handoff-wait", "PT0.2S")))
        .bindOrCreate("relay", RelayProperties.class);
    handOff = new HandOff(properties, registry);
    handOff.open(true);
    handOff.add(deliveries(41));
  }

  @Test
  void a_request_that_fits_does_not_wait_and_one_that_does_not_waits_until_room_is_made() throws Exception {
    assertThat(handOff.accepts(9)).isTrue();
    assertThat(handOff.accepts(10)).isFalse();

    var waiting = Thread.ofPlatform().start(() -> handOff.awaitRoom(10));
    await().atMost(Duration.ofSeconds(5))
        .until(() -> waiting.getState() == Thread.State.TIMED_WAITING);
    handOff.finished(1); // a send finished: 40 + 10 fit
    waiting.join(5_000);

    assertThat(handOff.accepts(10)).isTrue();
    assertThat(count("room")).isEqualTo(1);
    assertThat(count("run_out")).isZero();
  }

  @Test
  void after_a_wait_runs_out_ingest_stops_waiting_until_the_hand_off_half_empties() {
    handOff.awaitRoom(10); // nothing finishes: runs out after the wait (0.2 s)
    assertThat(count("run_out")).isEqualTo(1);

    handOff.awaitRoom(10);
    handOff.finished(10); // 31 left: more than half of the limit
    handOff.awaitRoom(10);
    assertThat(count("run_out")).as("no second wait while sending is stalled").isEqualTo(1);

    handOff.finished(6); // 25: half emptied, and still no room for 30
    handOff.awaitRoom(30);
    assertThat(count("run_out")).isEqualTo(2);
  }

  @Test
  void a_closed_hand_off_takes_nothing_and_never_makes_ingest_wait() {
    handOff.open(false);
    assertThat(handOff.accepts(1)).isFalse();
    handOff.awaitRoom(10);
    assertThat(count("room") + count("run_out")).isZero();
  }

  private long count(String outcome) {
    return registry.get("relay.ingest.handoff.wait").tag("outcome", outcome).timer().count();
  }

  private static List<Delivery.New> deliveries(int n) {
    var list = new ArrayList<Delivery.New>();
    for (int i = 0; i < n; i++) {
      list.add(new Delivery.New("dlv_" + i, "grp_" + i, "int_1", "evt_" + i, "custom", "msg_" + i,
          Delivery.Status.IN_FLIGHT, "{}", Instant.EPOCH, "node:" + i, Instant.EPOCH, null));
    }
    return list;
  }
}
