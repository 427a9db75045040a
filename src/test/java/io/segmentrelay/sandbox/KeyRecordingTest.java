package io.segmentrelay.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** Memory stays bounded however long the sandbox runs. */
class KeyRecordingTest {

  @Test
  void full_mode_keeps_the_newest_events_up_to_its_limit_and_counts_them_all() {
    var json = JsonMapper.builder().build();
    var recording = new KeyRecording(RecordMode.FULL);
    var events = new ArrayList<ObjectNode>();
    for (int i = 0; i <= KeyRecording.MAX_EVENTS; i++) {
      events.add(json.createObjectNode().put("messageId", "m" + i));
    }
    recording.record(events, new byte[0], Instant.EPOCH);

    var kept = recording.events();
    assertThat(kept).hasSize(KeyRecording.MAX_EVENTS);
    assertThat(kept.getFirst().event().get("messageId").asString()).isEqualTo("m1");
    assertThat(recording.stats().events()).isEqualTo(KeyRecording.MAX_EVENTS + 1L);
  }
}
