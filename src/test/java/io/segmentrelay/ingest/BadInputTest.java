package io.segmentrelay.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.segmentrelay.support.Api;
import io.segmentrelay.support.RelayTest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Bad input to {@code POST /v1/events}: each case gets its status and a problem+json body
 * naming the field, and nothing of a rejected request is stored.
 */
class BadInputTest extends RelayTest {

  private static final String GOOD = Api.json(event("evt_good"));

  @Autowired JdbcClient jdbc;
  private Tenant tenant;
  private String integrationId;

  @BeforeEach
  void setUp() {
    tenant = newTenant();
    integrationId = newIntegration(tenant, newWriteKey());
  }

  /** A case: the raw body, content type, which key to send, and the expected answer. */
  record Case(String name, String body, String contentType, String key, int status, String field) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Arguments> cases() {
    return Stream.of(
        c("missing id", without("id"), 400, "id"),
        c("id not a string", with("id", 42), 400, "id"),
        c("id over 100 characters", with("id", "x".repeat(101)), 400, "id"),
        c("empty id", with("id", ""), 400, "id"),
        c("missing type", without("type"), 400, "type"),
        c("unknown type", with("type", "survey_started"), 400, "type"),
        c("missing timestamp", without("timestamp"), 400, "timestamp"),
        c("bad timestamp", with("timestamp", "13/05/2026 10:14"), 400, "timestamp"),
        c("timestamp without zone", with("timestamp", "2026-05-13T10:14:00"), 400, "timestamp"),
        c("neither userId nor anonymousId", without("userId", "anonymousId"), 400, "userId"),
        c("userId not a string", with("userId", Map.of("id", 1)), 400, "userId"),
        c("traits not an object", with("traits", "email=a@b.c"), 400, "traits"),
        c("page not an object", with("page", "/checkout"), 400, "page"),
        c("page path not a string", with("page", Map.of("path", 5)), 400, "page.path"),
        c("references not an object", with("references", List.of(1)), 400, "references"),
        c("locale too long", with("locale", "x".repeat(36)), 400, "locale"),
        c("second event of a batch invalid", batch(event("evt_ok"), without("type")), 400, "batch[1].type"),
        c("501-event batch", batchOf(501), 400, "batch"),
        c("empty batch", "{\"batch\": []}", 400, "batch"),
        c("batch not an array", "{\"batch\": {}}", 400, "batch"),
        c("body is an array", "[" + GOOD + "]", 400, "body"),
        c("malformed JSON", "{\"id\": \"evt\",", 400, "body"),
        c("empty body", "", 400, "body"),
        c("body over 1 MiB", "{\"pad\": \"" + "x".repeat(1024 * 1024) + "\"}", 413, "body"),
        Arguments.of(new Case("wrong content type", GOOD, "text/plain", "valid", 415, "Content-Type")),
        Arguments.of(new Case("no content type", GOOD, null, "valid", 415, "Content-Type")),
        Arguments.of(new Case("wrong key", GOOD, "application/json", "sri_wrong", 401, "Authorization")),
        Arguments.of(new Case("missing key", GOOD, "application/json", null, 401, "Authorization")),
        Arguments.of(new Case("an admin token as ingest key", GOOD, "application/json", "admin", 401,
            "Authorization")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void bad_input_gets_a_clear_error_naming_the_field_and_stores_nothing(Case c) {
    var key = switch (c.key() == null ? "none" : c.key()) {
      case "valid" -> tenant.ingestKey();
      case "admin" -> tenant.adminToken();
      case "none" -> null;
      default -> c.key();
    };
    var response = api.send("POST", "/v1/events", key, c.contentType(), c.body());

    assertThat(response.status()).isEqualTo(c.status());
    assertThat(response.contentType()).startsWith("application/problem+json");
    assertThat(response.json().findValuesAsString("field")).contains(c.field());
    assertThat(storedEvents()).isZero();
    assertThat(deliveries(tenant, integrationId).json().get("deliveries")).isEmpty();
  }

  @Test
  void every_invalid_field_of_a_batch_is_named_with_its_index() {
    var response = postEvents(tenant, Api.parse(batch(without("id"), event("evt_fine"), with("type", "x"))));
    assertThat(response.status()).isEqualTo(400);
    assertThat(response.json().findValuesAsString("field"))
        .containsExactlyInAnyOrder("batch[0].id", "batch[2].type");
    assertThat(storedEvents()).isZero();
  }

  @Test
  void a_valid_event_is_still_accepted_after_all_that() {
    assertThat(api.send("POST", "/v1/events", tenant.ingestKey(), "application/json; charset=utf-8", GOOD)
        .status()).isEqualTo(202);
    assertThat(storedEvents()).isEqualTo(1);
  }

  private long storedEvents() {
    return jdbc.sql("SELECT COUNT(*) FROM events WHERE app_id = ?").param(tenant.appId())
        .query(Long.class).single();
  }

  private static Arguments c(String name, String body, int status, String field) {
    return Arguments.of(new Case(name, body, "application/json", "valid", status, field));
  }

  private static String with(String field, Object value) {
    var event = event("evt_bad");
    event.put(field, value);
    return Api.json(event);
  }

  private static String without(String... fields) {
    var event = event("evt_bad");
    for (var field : fields) {
      event.remove(field);
    }
    return Api.json(event);
  }

  private static String batch(Object... events) {
    var list = new ArrayList<Object>();
    for (var e : events) {
      list.add(e instanceof String s ? Api.parse(s) : e);
    }
    return Api.json(Map.of("batch", list));
  }

  private static String batchOf(int n) {
    var list = new ArrayList<Object>();
    for (int i = 0; i < n; i++) {
      list.add(event("evt_" + i));
    }
    return Api.json(Map.of("batch", list));
  }
}
