package io.segmentrelay.sandbox;

import static io.segmentrelay.sandbox.SandboxHttp.batch;
import static io.segmentrelay.sandbox.SandboxHttp.track;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the sandbox records is bounded in bytes across all keys, the oldest dropped first. */
class RecordingBudgetTest {

  private static final String BASIC_A = SandboxHttp.basic("key-a");
  private static final String BASIC_B = SandboxHttp.basic("key-b");

  @Test
  void keeps_the_recordings_within_the_budget_dropping_the_oldest_of_any_key_first() {
    var receiver = new SandboxReceiver(List.of("key-a", "key-b"), RecordMode.FULL,
        Clock.systemUTC(), 200_000);
    var padding = "x".repeat(10_000);
    for (int i = 0; i < 40; i++) {
      var body = batch(track("a" + i).replaceFirst("\\{", "{\"context\":{\"p\":\"" + padding + "\"},"));
      assertThat(receiver.handle("batch", (i % 2 == 0) ? BASIC_A : BASIC_B, bytes(body)).status())
          .isEqualTo(200);
    }

    assertThat(receiver.recordedBytes()).isLessThanOrEqualTo(200_000);
    var keptA = receiver.events("key-a").stream().map(e -> e.get("messageId").asString()).toList();
    assertThat(keptA).isNotEmpty().doesNotContain("a0", "a2").contains("a38");
    assertThat(receiver.events("key-b").stream().map(e -> e.get("messageId").asString()))
        .contains("a39");
    assertThat(receiver.stats("key-a").events()).isEqualTo(20);
  }

  @Test
  void keeps_bodies_of_faulted_requests_within_the_budget_too() {
    var receiver = new SandboxReceiver(List.of("key-a"), RecordMode.FULL, Clock.systemUTC(),
        1_000_000);
    receiver.addFault(FaultRule.status(503).forever());
    var big = new byte[200_000];
    for (int i = 0; i < 50; i++) {
      receiver.handle("batch", BASIC_A, big);
    }

    assertThat(receiver.recordedBytes()).isLessThanOrEqualTo(1_000_000);
    assertThat(receiver.requestBodies("key-a")).hasSizeLessThanOrEqualTo(5);
    assertThat(receiver.stats("key-a").faultedRequests()).isEqualTo(50);
  }

  @Test
  void a_removed_key_gives_its_bytes_back_and_is_refused_afterwards() {
    var receiver = new SandboxReceiver(List.of("key-a"), RecordMode.FULL, Clock.systemUTC());
    receiver.handle("batch", BASIC_A, bytes(batch(track("m1"))));
    receiver.addFault(FaultRule.status(500).forWriteKey("key-a"));

    assertThat(receiver.removeWriteKey("key-a")).isTrue();

    assertThat(receiver.recordedBytes()).isZero();
    assertThat(receiver.faults()).isEmpty();
    assertThat(receiver.handle("batch", BASIC_A, bytes(batch(track("m2")))).status())
        .isEqualTo(401);
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
