package io.segmentrelay.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.segmentrelay.support.Api;
import io.segmentrelay.support.RelayTest;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The seed's example, end to end through the HTTP API, against the shared golden fixture. */
class SeedExampleTest extends RelayTest {

  /** The seed's example as an ingest event and the track call it must become. */
  private static final String FIXTURE = "/fixtures/seed-example.json";

  @Test
  void the_seed_example_becomes_the_seed_track_call_field_by_field() throws Exception {
    String text;
    try (var in = getClass().getResourceAsStream(FIXTURE)) {
      text = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    }
    var fixture = Api.parse(text);
    var tenant = newTenant();
    var integrationId = newIntegration(tenant, newWriteKey());

    var accepted = postEvents(tenant, fixture.get("ingest"));
    assertThat(accepted.status()).isEqualTo(202);
    assertThat(accepted.json().get("accepted").asInt()).isEqualTo(1);

    var list = deliveries(tenant, integrationId).json().get("deliveries");
    assertThat(list).hasSize(1);
    var payload = list.get(0).get("payload");
    var expected = fixture.get("track").deepCopy();
    var placeholders = new ArrayList<String>();
    collectPlaceholders(expected, "", placeholders);

    assertThat(placeholders)
        .containsExactlyInAnyOrder(
            "/messageId", "/sentAt", "/context/library/version", "/properties/app_id",
            "/properties/organization_id");
    assertThat(payload.get("messageId").asString()).hasSizeLessThanOrEqualTo(100).isNotBlank();
    assertThat(payload.at("/context/library/version").asString()).isNotBlank();
    assertThat(payload.at("/properties/app_id").asString()).isEqualTo(tenant.appId());
    assertThat(payload.at("/properties/organization_id").asString())
        .isEqualTo(tenant.organizationId());
    assertThat(payload.has("sentAt")).as("sentAt is set at each attempt, not frozen").isFalse();
    assertSameExceptPlaceholders(expected, payload, "", placeholders);
  }

  /** Paths of fixture values written as {@code <...>}: generated, checked by shape. */
  private static void collectPlaceholders(JsonNode node, String path, List<String> out) {
    if (node.isObject()) {
      for (var entry : node.properties()) {
        collectPlaceholders(entry.getValue(), path + "/" + entry.getKey(), out);
      }
    } else if (node.isString() && node.asString().startsWith("<")) {
      out.add(path);
    }
  }

  private static void assertSameExceptPlaceholders(
      JsonNode expected, JsonNode actual, String path, List<String> placeholders) {
    if (placeholders.contains(path)) {
      return;
    }
    if (expected.isObject()) {
      var expectedNames = new ArrayList<String>();
      expected.propertyNames().forEach(expectedNames::add);
      var actualNames = new ArrayList<String>();
      actual.propertyNames().forEach(actualNames::add);
      expectedNames.removeIf(name -> placeholders.contains(path + "/" + name) && name.equals("sentAt"));
      assertThat(actualNames).as("fields of %s", path.isEmpty() ? "/" : path)
          .containsExactlyInAnyOrderElementsOf(expectedNames);
      for (var name : expectedNames) {
        assertSameExceptPlaceholders(expected.get(name), actual.get(name), path + "/" + name, placeholders);
      }
    } else {
      assertThat(actual).as("value of %s", path).isEqualTo(expected);
    }
  }
}
