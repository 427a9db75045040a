package io.segmentrelay.sandbox;

import static io.segmentrelay.sandbox.SandboxHttp.batch;
import static io.segmentrelay.sandbox.SandboxHttp.track;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** Segment's validation rules, and that a rejected request leaves no trace. */
class SandboxValidationTest {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private static final String KEY = "demo-write-key";

  private SandboxServer server;

  private SandboxHttp http;

  @BeforeEach
  void start() {
    server = SandboxServer.start(0, SandboxReceiver.withWriteKeys(KEY));
    http = new SandboxHttp(server.baseUrl());
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void answers_400_to_malformed_json_and_records_nothing() {
    assertRejected(
        http.post("/v1/batch", KEY, "{\"batch\":[{\"type\":\"track\""), "malformed JSON");
  }

  @Test
  void answers_400_to_a_body_that_is_not_a_batch() {
    assertRejected(http.post("/v1/batch", KEY, "{\"events\":[]}"), "batch must be an array");
    assertRejected(http.post("/v1/batch", KEY, "[1,2]"), "JSON object");
  }

  @Test
  void answers_400_to_an_event_over_32_kb() {
    assertRejected(http.post("/v1/batch", KEY, batch(eventOfSize(40_000, "big"))), "32 KB");
  }

  @Test
  void accepts_an_event_of_exactly_32_kb() {
    String event = eventOfSize(32_768, "edge");

    assertThat(event.getBytes(java.nio.charset.StandardCharsets.UTF_8)).hasSize(32_768);
    assertThat(http.post("/v1/batch", KEY, batch(event)).statusCode()).isEqualTo(200);
  }

  @Test
  void answers_400_to_a_track_call_over_32_kb() {
    assertRejected(http.post("/v1/track", KEY, eventOfSize(40_000, "big")), "32 KB");
  }

  @Test
  void answers_400_to_a_request_body_over_500_kb() {
    String[] events = new String[30];
    for (int i = 0; i < events.length; i++) {
      events[i] = eventOfSize(20_000, "m" + i);
    }
    String body = batch(events);

    assertThat(body.length()).isGreaterThan(600_000);
    assertRejected(http.post("/v1/batch", KEY, body), "500 KB");
  }

  @Test
  void answers_400_to_an_event_without_user_id_and_anonymous_id() {
    String event = "{\"type\":\"track\",\"event\":\"Flow Viewed\",\"messageId\":\"m1\"}";

    assertRejected(http.post("/v1/batch", KEY, batch(event)), "userId or anonymousId");
  }

  @Test
  void answers_400_to_a_track_event_without_an_event_name() {
    String event = "{\"type\":\"track\",\"userId\":\"u1\",\"messageId\":\"m1\"}";

    assertRejected(http.post("/v1/batch", KEY, batch(event)), "event is required");
  }

  @Test
  void answers_400_to_a_message_id_over_100_characters() {
    assertRejected(http.post("/v1/batch", KEY, batch(track("m".repeat(101)))), "messageId");
  }

  @Test
  void answers_400_to_an_event_without_a_known_type_in_a_batch() {
    String event = "{\"event\":\"Flow Viewed\",\"userId\":\"u1\"}";

    assertRejected(http.post("/v1/batch", KEY, batch(event)), "type");
  }

  @Test
  void rejects_the_whole_batch_when_one_event_is_invalid_and_names_its_index() {
    String invalid = "{\"type\":\"track\",\"event\":\"Flow Viewed\",\"messageId\":\"bad\"}";

    assertRejected(
        http.post("/v1/batch", KEY, batch(track("good-1"), invalid, track("good-2"))), "batch[1]");
  }

  @Test
  void accepts_an_identify_call_in_a_batch() {
    String identify =
        "{\"type\":\"identify\",\"userId\":\"u1\",\"traits\":{\"email\":\"u1@example.com\"}}";

    assertThat(http.post("/v1/batch", KEY, batch(identify)).statusCode()).isEqualTo(200);
  }

  private void assertRejected(HttpResponse<String> response, String reason) {
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).contains("\"success\":false").contains(reason);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
    assertThat(server.receiver().totalEvents()).isZero();
    assertThat(server.receiver().events(KEY)).isEmpty();
    assertThat(server.receiver().requestBodies(KEY)).isEmpty();
    assertThat(server.receiver().stats(KEY)).isEqualTo(SandboxStats.EMPTY);
  }

  /** A valid track event whose compact JSON is exactly {@code bytes} long. */
  private static String eventOfSize(int bytes, String messageId) {
    ObjectNode event = (ObjectNode) JSON.readTree(track(messageId));
    event.putObject("properties").put("padding", "");
    int missing = bytes - JSON.writeValueAsBytes(event).length;
    event.putObject("properties").put("padding", "x".repeat(missing));
    return JSON.writeValueAsString(event);
  }
}
