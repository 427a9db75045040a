package io.segmentrelay.sandbox;

import static io.segmentrelay.sandbox.SandboxHttp.batch;
import static io.segmentrelay.sandbox.SandboxHttp.track;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Injected faults: statuses, Retry-After, scoping, drops and latency. */
class SandboxFaultTest {

  private static final String KEY = "demo-write-key";

  private SandboxServer server;

  private SandboxReceiver receiver;

  private SandboxHttp http;

  @BeforeEach
  void start() {
    receiver = SandboxReceiver.withWriteKeys(KEY, "other-key");
    server = SandboxServer.start(0, receiver);
    http = new SandboxHttp(server.baseUrl());
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void answers_503_twice_then_accepts_the_same_batch() {
    receiver.addFault(FaultRule.status(503).withTimes(2));
    String body = batch(track("m1"));

    assertThat(http.post("/v1/batch", KEY, body).statusCode()).isEqualTo(503);
    assertThat(http.post("/v1/batch", KEY, body).statusCode()).isEqualTo(503);
    assertThat(http.post("/v1/batch", KEY, body).statusCode()).isEqualTo(200);
    assertThat(receiver.stats(KEY)).isEqualTo(new SandboxStats(1, 1, 0, 2));
    assertThat(receiver.events(KEY)).hasSize(1);
  }

  @Test
  void sends_retry_after_with_a_429_fault() {
    receiver.addFault(FaultRule.status(429).withRetryAfter("120"));

    var response = http.post("/v1/batch", KEY, batch(track("m1")));

    assertThat(response.statusCode()).isEqualTo(429);
    assertThat(response.headers().firstValue("Retry-After")).hasValue("120");
    assertThat(receiver.totalEvents()).isZero();
  }

  @Test
  void rejects_only_requests_containing_the_faulted_message_id() {
    receiver.addFault(FaultRule.status(400).forMessageId("poison").forever());

    var whole = http.post("/v1/batch", KEY, batch(track("a"), track("poison"), track("b")));
    var first = http.post("/v1/batch", KEY, batch(track("a")));
    var alone = http.post("/v1/batch", KEY, batch(track("poison")));
    var last = http.post("/v1/batch", KEY, batch(track("b")));

    assertThat(
            List.of(whole.statusCode(), first.statusCode(), alone.statusCode(), last.statusCode()))
        .containsExactly(400, 200, 400, 200);
    assertThat(receiver.events(KEY))
        .extracting(event -> event.get("messageId").asString())
        .containsExactly("a", "b");
    assertThat(receiver.stats(KEY).faultedRequests()).isEqualTo(2);
  }

  @Test
  void applies_a_write_key_scoped_fault_only_to_that_key() {
    receiver.addFault(FaultRule.status(500).forWriteKey("other-key"));

    assertThat(http.post("/v1/batch", KEY, batch(track("m1"))).statusCode()).isEqualTo(200);
    assertThat(http.post("/v1/batch", "other-key", batch(track("m1"))).statusCode()).isEqualTo(500);
    assertThat(http.post("/v1/batch", "other-key", batch(track("m1"))).statusCode()).isEqualTo(200);
  }

  @Test
  void tries_fault_rules_in_the_order_they_were_added() {
    receiver.addFault(FaultRule.status(502));
    receiver.addFault(FaultRule.status(504));

    assertThat(http.post("/v1/batch", KEY, batch(track("m1"))).statusCode()).isEqualTo(502);
    assertThat(http.post("/v1/batch", KEY, batch(track("m1"))).statusCode()).isEqualTo(504);
    assertThat(http.post("/v1/batch", KEY, batch(track("m1"))).statusCode()).isEqualTo(200);
  }

  @Test
  void drops_the_connection_so_the_client_sees_an_io_exception() {
    receiver.addFault(FaultRule.dropConnection());

    assertThatThrownBy(() -> http.postOrThrow("/v1/batch", KEY, batch(track("m1"))))
        .isInstanceOf(IOException.class);
    assertThat(receiver.stats(KEY)).isEqualTo(new SandboxStats(0, 0, 0, 1));
    assertThat(http.post("/v1/batch", KEY, batch(track("m1"))).statusCode()).isEqualTo(200);
  }

  @Test
  void delays_the_answer_by_the_fault_latency_and_still_accepts() {
    receiver.addFault(FaultRule.delay(Duration.ofMillis(300)));

    long started = System.nanoTime();
    var response = http.post("/v1/batch", KEY, batch(track("m1")));
    Duration took = Duration.ofNanos(System.nanoTime() - started);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(300));
    assertThat(receiver.stats(KEY)).isEqualTo(new SandboxStats(1, 1, 0, 0));
  }

  @Test
  void delays_a_faulted_answer_by_its_latency() {
    receiver.addFault(FaultRule.status(503).withLatency(Duration.ofMillis(200)));

    long started = System.nanoTime();
    var response = http.post("/v1/batch", KEY, batch(track("m1")));

    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(Duration.ofNanos(System.nanoTime() - started))
        .isGreaterThanOrEqualTo(Duration.ofMillis(200));
  }

  @Test
  void takes_fault_rules_as_json_over_http_and_clears_them() {
    var added = http.post("/faults", null, "{\"status\":429,\"retryAfter\":\"5\",\"times\":0}");

    assertThat(added.statusCode()).isEqualTo(200);
    assertThat(http.post("/v1/batch", KEY, batch(track("m1"))).statusCode()).isEqualTo(429);
    assertThat(http.post("/v1/batch", KEY, batch(track("m1"))).statusCode()).isEqualTo(429);
    assertThat(http.get("/stats").body()).contains("\"faults\":[{\"status\":429");

    assertThat(http.delete("/faults").statusCode()).isEqualTo(200);
    assertThat(http.post("/v1/batch", KEY, batch(track("m1"))).statusCode()).isEqualTo(200);
  }

  @Test
  void answers_400_to_a_fault_rule_that_does_nothing() {
    var response = http.post("/faults", null, "{\"times\":3}");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(receiver.faults()).isEmpty();
  }

  @Test
  void applies_an_unscoped_fault_even_to_a_malformed_request() {
    receiver.addFault(FaultRule.status(503));

    assertThat(http.post("/v1/batch", KEY, "{not json").statusCode()).isEqualTo(503);
  }
}
