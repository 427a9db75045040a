package io.segmentrelay.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.segmentrelay.support.RelayTest;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Input one engine would store and the other refuse, or that would break a reader later, is
 * refused at the door with problem+json naming the field, on H2 and PostgreSQL alike.
 */
class UnsafeInputTest extends RelayTest {

  @Autowired JdbcClient jdbc;
  private Tenant tenant;
  private String integrationId;

  @BeforeEach
  void setUp() {
    tenant = newTenant();
    integrationId = newIntegration(tenant, newWriteKey());
  }

  static Stream<Arguments> events() {
    return Stream.of(
        Arguments.of("NUL in id", rawEvent("\"id\":\"evt\\u0000x\""), "id"),
        Arguments.of("NUL in userId", rawEvent("\"userId\":\"u\\u0000\""), "userId"),
        Arguments.of("newline in anonymousId", rawEvent("\"anonymousId\":\"a\\nb\""), "anonymousId"),
        Arguments.of("lone high surrogate in a trait", rawEvent("\"traits\":{\"n\":\"\\ud800\"}"),
            "traits.n"),
        Arguments.of("lone low surrogate in a nested trait",
            rawEvent("\"traits\":{\"a\":{\"b\":[\"ok\",\"x\\udc00\"]}}"), "traits.a.b[1]"),
        // Jackson itself refuses a field name holding one, as JSON that is not valid.
        Arguments.of("lone surrogate in a field name", rawEvent("\"traits\":{\"\\ud800\":1}"),
            "body"),
        Arguments.of("timestamp past PostgreSQL's range",
            rawEvent("\"timestamp\":\"+294277-01-01T00:00:00Z\""), "timestamp"),
        Arguments.of("timestamp before 2000", rawEvent("\"timestamp\":\"1999-12-31T23:59:59Z\""),
            "timestamp"),
        Arguments.of("timestamp from 2100", rawEvent("\"timestamp\":\"2100-01-01T00:00:00Z\""),
            "timestamp"),
        Arguments.of("traits nested 40 deep",
            rawEvent("\"traits\":" + "{\"a\":".repeat(40) + "1" + "}".repeat(40)), "traits.a.a"),
        Arguments.of("second event of a batch",
            "{\"batch\":[" + rawEvent("\"id\":\"ok_1\"") + "," + rawEvent("\"userId\":\"\\u0001\"") + "]}",
            "batch[1].userId"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("events")
  void refuses_an_event_storage_cannot_hold_naming_the_field(String name, String body,
      String field) {
    var response = api.send("POST", "/v1/events", tenant.ingestKey(), "application/json", body);

    assertThat(response.status()).isEqualTo(400);
    assertThat(response.contentType()).startsWith("application/problem+json");
    assertThat(response.json().findValuesAsString("field")).anyMatch(f -> f.startsWith(field));
    assertThat(storedEvents()).isZero();
  }

  @Test
  void refuses_an_identify_call_with_a_nul_or_a_lone_surrogate() {
    var nul = api.send("POST", "/v1/identify", tenant.ingestKey(), "application/json",
        "{\"userId\":\"u\\u0000\"}");
    var surrogate = api.send("POST", "/v1/identify", tenant.ingestKey(), "application/json",
        "{\"userId\":\"u_1\",\"traits\":{\"name\":\"\\udfff\"}}");

    assertThat(nul.status()).isEqualTo(400);
    assertThat(nul.json().findValuesAsString("field")).containsExactly("userId");
    assertThat(surrogate.status()).isEqualTo(400);
    assertThat(surrogate.json().findValuesAsString("field")).containsExactly("traits.name");
  }

  @Test
  void accepts_the_edges_of_the_window_and_well_formed_astral_characters() {
    var body = "{\"batch\":["
        + rawEvent("\"id\":\"e1\",\"timestamp\":\"2000-01-01T00:00:00Z\"") + ","
        + rawEvent("\"id\":\"e2\",\"timestamp\":\"2099-12-31T23:59:59.999Z\"") + ","
        + rawEvent("\"id\":\"e3\",\"traits\":{\"mood\":\"\\ud83d\\ude00 tab\\tok\"}") + "]}";

    var response = api.send("POST", "/v1/events", tenant.ingestKey(), "application/json", body);

    assertThat(response.status()).isEqualTo(202);
    assertThat(storedEvents()).isEqualTo(3);
  }

  @Test
  void refuses_a_lone_surrogate_in_a_management_body() {
    var response = api.send("POST", "/api/v1/apps", tenant.adminToken(), "application/json",
        "{\"name\":\"Web \\ud800\"}");

    assertThat(response.status()).isEqualTo(400);
    assertThat(response.json().findValuesAsString("field")).containsExactly("name");
    assertThat(api.get("/api/v1/integrations", tenant.adminToken()).status()).isEqualTo(200);
  }

  @Test
  void a_lone_surrogate_stored_before_the_checks_no_longer_breaks_the_delivery_log() {
    assertThat(postEvents(tenant, event("evt_old")).status()).isEqualTo(202);
    // What ingest used to store as it came (H2 keeps it; PostgreSQL's driver writes "?").
    jdbc.sql("UPDATE deliveries SET payload = ? WHERE integration_id = ?")
        .params("{\"traits\":{\"n\":\"\ud800\"}}", integrationId).update();

    var list = deliveries(tenant, integrationId);
    var id = list.json().at("/deliveries/0/id").asString();
    var one = api.get("/api/v1/integrations/" + integrationId + "/deliveries/" + id,
        tenant.adminToken());

    assertThat(list.status()).isEqualTo(200);
    assertThat(list.json().at("/deliveries/0/payload/traits/n").asString()).isIn("\ufffd", "?");
    assertThat(one.status()).isEqualTo(200);
  }

  private long storedEvents() {
    return jdbc.sql("SELECT COUNT(*) FROM events WHERE app_id = ?").param(tenant.appId())
        .query(Long.class).single();
  }

  /** A valid event's JSON with {@code override} (raw JSON members) replacing its fields. */
  private static String rawEvent(String override) {
    var fields = new java.util.LinkedHashMap<String, String>();
    fields.put("id", "\"evt_1\"");
    fields.put("type", "\"response_submitted\"");
    fields.put("timestamp", "\"2026-05-13T10:14:00.000Z\"");
    fields.put("userId", "\"user_1\"");
    fields.put("anonymousId", "\"anon_1\"");
    var overridden = override.substring(1, override.indexOf('"', 1));
    fields.remove(overridden);
    var members = new StringBuilder("{").append(override);
    fields.forEach((k, v) -> members.append(",\"").append(k).append("\":").append(v));
    return members.append('}').toString();
  }
}
