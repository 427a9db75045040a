package io.segmentrelay.sandbox;

import static io.segmentrelay.sandbox.SandboxHttp.batch;
import static io.segmentrelay.sandbox.SandboxHttp.track;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Accepting, authenticating and recording, over real HTTP against the standalone server. */
class SandboxRecordingTest {

  private static final Instant NOW = Instant.parse("2026-05-13T10:14:00Z");

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private SandboxServer server;

  private SandboxHttp http;

  @BeforeEach
  void start() {
    Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    server =
        SandboxServer.start(
            0, new SandboxReceiver(List.of("key-a", "key-b"), RecordMode.FULL, clock));
    http = new SandboxHttp(server.baseUrl());
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void accepts_a_batch_with_200_and_records_its_events_in_order() {
    String body = batch(track("m1"), track("m2"));

    var response = http.post("/v1/batch", "key-a", body);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("{\"success\":true}");
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
    assertThat(messageIds(server.receiver().events("key-a"))).containsExactly("m1", "m2");
    assertThat(server.receiver().requestBodies("key-a")).containsExactly(body);
    assertThat(server.receiver().stats("key-a")).isEqualTo(new SandboxStats(1, 2, 0, 0));
    assertThat(server.receiver().totalEvents()).isEqualTo(2);
    assertThat(server.receiver().events("key-b")).isEmpty();
  }

  @Test
  void records_the_receipt_time_from_the_clock() {
    http.post("/v1/batch", "key-a", batch(track("m1")));

    assertThat(server.receiver().receivedEvents("key-a"))
        .singleElement()
        .satisfies(received -> assertThat(received.receivedAt()).isEqualTo(NOW));
  }

  @Test
  void accepts_a_single_track_call_and_records_it_as_a_track_event() {
    String event = "{\"event\":\"Flow Viewed\",\"anonymousId\":\"anon_1\",\"messageId\":\"t1\"}";

    var response = http.post("/v1/track", "key-a", event);

    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode recorded = server.receiver().events("key-a").getFirst();
    assertThat(recorded.get("type").asString()).isEqualTo("track");
    assertThat(recorded.get("event").asString()).isEqualTo("Flow Viewed");
  }

  @Test
  void accepts_an_analytics_java_import_with_basic_auth_and_the_key_in_the_body() {
    String body =
        "{\"batch\":["
            + track("i1")
            + "],\"writeKey\":\"key-b\",\"sentAt\":\"2026-05-13T10:14:01Z\","
            + "\"context\":{\"library\":{\"name\":\"analytics-java\"}}}";

    var response = http.post("/v1/import", "key-b", body);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(messageIds(server.receiver().events("key-b"))).containsExactly("i1");
  }

  @Test
  void takes_the_write_key_from_the_body_when_there_is_no_basic_auth() {
    String body = "{\"batch\":[" + track("b1") + "],\"writeKey\":\"key-b\"}";

    var response = http.post("/v1/batch", null, body);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(server.receiver().stats("key-b").events()).isEqualTo(1);
  }

  @Test
  void answers_401_to_an_unknown_write_key() {
    var response = http.post("/v1/batch", "not-a-sandbox-key", batch(track("m1")));

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.body()).contains("\"success\":false").doesNotContain("not-a-sandbox-key");
    assertThat(server.receiver().totalEvents()).isZero();
  }

  @Test
  void answers_401_when_the_request_names_no_write_key() {
    assertThat(http.post("/v1/batch", null, batch(track("m1"))).statusCode()).isEqualTo(401);
  }

  @Test
  void accepts_a_write_key_registered_at_runtime() {
    var registered = http.post("/write-keys", null, "{\"writeKey\":\"late-key\"}");

    var response = http.post("/v1/batch", "late-key", batch(track("m1")));

    assertThat(registered.statusCode()).isEqualTo(200);
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(server.receiver().writeKeys()).contains("late-key");
  }

  @Test
  void serves_the_same_endpoints_under_the_sandbox_prefix() {
    var response = http.post("/sandbox/v1/batch", "key-a", batch(track("m1")));
    var events = http.get("/sandbox/events?writeKey=key-a");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(events.statusCode()).isEqualTo(200);
    assertThat(events.body()).contains("\"messageId\":\"m1\"");
  }

  @Test
  void counts_events_whose_message_id_was_already_accepted_for_the_key_as_duplicates() {
    http.post("/v1/batch", "key-a", batch(track("m1"), track("m2")));
    http.post("/v1/batch", "key-a", batch(track("m2"), track("m3"), track("m3")));
    http.post("/v1/batch", "key-b", batch(track("m1")));

    assertThat(server.receiver().stats("key-a")).isEqualTo(new SandboxStats(2, 5, 2, 0));
    assertThat(server.receiver().stats("key-b").duplicates()).isZero();
  }

  @Test
  void shows_events_and_counters_of_a_key_as_json() {
    http.post("/v1/batch", "key-a", batch(track("m1"), track("m1")));

    JsonNode view = JSON.readTree(http.get("/events?writeKey=key-a").body());

    assertThat(view.get("writeKey").asString()).isEqualTo("key-a");
    assertThat(view.get("events")).hasSize(2);
    assertThat(view.get("requests").asLong()).isEqualTo(1);
    assertThat(view.get("duplicates").asLong()).isEqualTo(1);
    assertThat(view.get("faultedRequests").asLong()).isZero();
    assertThat(http.get("/events?writeKey=nobody").statusCode()).isEqualTo(404);
  }

  @Test
  void shows_the_counters_of_every_key_in_stats() {
    http.post("/v1/batch", "key-b", batch(track("m1"), track("m2")));

    JsonNode stats = JSON.readTree(http.get("/stats").body());

    assertThat(stats.get("totalEvents").asLong()).isEqualTo(2);
    assertThat(stats.get("writeKeys").get("key-b").get("events").asLong()).isEqualTo(2);
    assertThat(stats.get("writeKeys").get("key-a").get("requests").asLong()).isZero();
  }

  @Test
  void forgets_recordings_on_reset_but_keeps_the_write_keys() {
    http.post("/v1/batch", "key-a", batch(track("m1")));

    var reset = http.delete("/events");

    assertThat(reset.statusCode()).isEqualTo(200);
    assertThat(server.receiver().events("key-a")).isEmpty();
    assertThat(server.receiver().stats("key-a")).isEqualTo(SandboxStats.EMPTY);
    assertThat(server.receiver().totalEvents()).isZero();
    assertThat(http.post("/v1/batch", "key-a", batch(track("m1"))).statusCode()).isEqualTo(200);
    assertThat(server.receiver().stats("key-a").duplicates()).isZero();
  }

  @Test
  void keeps_only_counters_and_message_ids_in_counts_mode() {
    try (SandboxServer counting =
        SandboxServer.start(
            0, new SandboxReceiver(List.of("key-c"), RecordMode.COUNTS, Clock.systemUTC()))) {
      SandboxHttp client = new SandboxHttp(counting.baseUrl());
      client.post("/v1/batch", "key-c", batch(track("m1"), track("m2")));
      client.post("/v1/batch", "key-c", batch(track("m2")));

      assertThat(counting.receiver().stats("key-c")).isEqualTo(new SandboxStats(2, 3, 1, 0));
      assertThat(counting.receiver().totalEvents()).isEqualTo(3);
      assertThat(counting.receiver().events("key-c")).isEmpty();
      assertThat(counting.receiver().requestBodies("key-c")).isEmpty();
    }
  }

  @Test
  void answers_404_to_a_path_it_does_not_serve() {
    assertThat(http.post("/v2/batch", "key-a", batch(track("m1"))).statusCode()).isEqualTo(404);
  }

  private static List<String> messageIds(List<JsonNode> events) {
    return events.stream().map(event -> event.get("messageId").asString()).toList();
  }
}
