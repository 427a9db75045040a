package io.segmentrelay.openapi;

import static org.assertj.core.api.Assertions.assertThat;

import io.segmentrelay.support.Api;
import io.segmentrelay.support.RelayTest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The served OpenAPI description against the running endpoints: every example in it is sent as
 * written and must get the documented answer, whose body must fit the documented schema; every
 * event type it lists is accepted and none other; the error answers it names are the ones given.
 */
class OpenApiContractTest extends RelayTest {

  private static final List<String> DESCRIBED = List.of("/v1/events", "/v1/identify", "/v1/segment/inbound");

  private JsonNode spec;
  private Tenant tenant;
  private String inboundSecret;

  @BeforeEach
  void load() {
    var served = api.get("/v3/api-docs", null);
    assertThat(served.status()).isEqualTo(200);
    spec = served.json();
    tenant = newTenant();
    inboundSecret = api.post("/api/v1/apps/" + tenant.appId() + "/inbound-secret", tenant.adminToken(), Map.of())
        .field("/secret");
  }

  private String tokenFor(String path) {
    return path.equals("/v1/segment/inbound") ? inboundSecret : tenant.ingestKey();
  }

  private JsonNode operation(String path) {
    return spec.at("/paths").get(path).get("post");
  }

  @Test
  void the_description_is_served_with_a_rendered_page_and_lists_exactly_the_described_endpoints() {
    var paths = new ArrayList<String>();
    spec.get("paths").propertyNames().forEach(paths::add);
    assertThat(paths).containsExactlyInAnyOrderElementsOf(DESCRIBED);
    assertThat(spec.get("openapi").asString()).startsWith("3.");
    var page = api.get("/swagger-ui/index.html", null);
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.text()).contains("swagger-ui");
    var config = api.get("/v3/api-docs/swagger-config", null);
    assertThat(config.status()).isEqualTo(200);
    assertThat(config.text()).contains("/v3/api-docs");
  }

  @Test
  void every_example_gets_the_documented_answer_and_its_body_fits_the_schema() {
    int sent = 0;
    for (var path : DESCRIBED) {
      var operation = operation(path);
      var success = successCode(operation);
      var examples = operation.at("/requestBody/content/application~1json/examples");
      assertThat(examples.isEmpty()).as("%s has examples", path).isFalse();
      for (var name : examples.propertyNames()) {
        var example = examples.get(name).get("value");
        var response = api.post(path, tokenFor(path), example.toString());
        assertThat(response.status()).as("%s example %s: %s", path, name, response.text())
            .isEqualTo(Integer.parseInt(success));
        var schema = operation.at("/responses/" + success + "/content/application~1json/schema");
        assertFits(response.json(), schema, path + " " + success);
        assertFits(example, operation.at("/requestBody/content/application~1json/schema"), path + " example");
        sent++;
      }
    }
    assertThat(sent).isGreaterThanOrEqualTo(6);
  }

  @Test
  void the_examples_use_every_described_event_field() {
    var described = new HashSet<String>();
    resolve(spec.at("/components/schemas/Event")).get("properties").propertyNames().forEach(described::add);
    var used = new HashSet<String>();
    for (var example : operation("/v1/events").at("/requestBody/content/application~1json/examples")) {
      var value = example.get("value");
      var events = value.has("batch") ? value.get("batch").valueStream().toList() : List.of(value);
      events.forEach(e -> e.propertyNames().forEach(used::add));
    }
    assertThat(used).containsExactlyInAnyOrderElementsOf(described);
  }

  @Test
  void each_listed_event_type_is_accepted_and_an_unlisted_one_is_refused_as_documented() {
    var types = resolve(spec.at("/components/schemas/Event")).at("/properties/type/enum");
    assertThat(types.size()).isEqualTo(4);
    int i = 0;
    for (var type : types) {
      var event = Api.map("id", "evt_type_" + i++, "type", type.asString(),
          "timestamp", "2026-05-13T10:14:00Z", "anonymousId", "anon_t");
      if (type.asString().equals("custom")) {
        event.put("name", "Custom Thing");
      }
      assertThat(api.post("/v1/events", tenant.ingestKey(), event).status()).as(type.asString()).isEqualTo(202);
    }
    var unlisted = api.post("/v1/events", tenant.ingestKey(), Api.map("id", "evt_x", "type", "survey_closed",
        "timestamp", "2026-05-13T10:14:00Z", "anonymousId", "anon_t"));
    assertDocumentedProblem("/v1/events", unlisted, 400);
    assertThat(unlisted.json().at("/errors/0/field").asString()).isEqualTo("type");
  }

  @Test
  void the_documented_error_answers_are_the_ones_given() {
    for (var path : DESCRIBED) {
      assertDocumentedProblem(path, api.post(path, "not-a-key", Map.of("type", "identify")), 401);
      assertDocumentedProblem(path, api.send("POST", path, tokenFor(path), "text/plain", "{}"), 415);
      assertDocumentedProblem(path, api.send("POST", path, tokenFor(path), "application/json", "[1]"), 400);
      assertDocumentedProblem(path,
          api.send("POST", path, tokenFor(path), "application/json", "\"" + "x".repeat(1024 * 1024) + "\""), 413);
    }
  }

  private void assertDocumentedProblem(String path, Api.Response response, int status) {
    assertThat(response.status()).as("%s answered %s", path, response.text()).isEqualTo(status);
    var documented = operation(path).at("/responses/" + status);
    assertThat(documented.isMissingNode()).as("%s documents %d", path, status).isFalse();
    documented = resolve(documented);
    assertThat(response.contentType()).startsWith("application/problem+json");
    assertFits(response.json(), documented.at("/content/application~1problem+json/schema"), path + " " + status);
  }

  private static String successCode(JsonNode operation) {
    var codes = new ArrayList<String>();
    operation.get("responses").propertyNames().forEach(codes::add);
    return codes.stream().filter(c -> c.startsWith("2")).findFirst().orElseThrow();
  }

  private JsonNode resolve(JsonNode node) {
    while (node.has("$ref")) {
      node = spec.at(node.get("$ref").asString().substring(1));
    }
    return node;
  }

  /**
   * Whether {@code value} fits {@code schema}: types, required and listed properties, enums; an
   * object may carry unlisted properties only where the schema allows them.
   */
  private void assertFits(JsonNode value, JsonNode schema, String where) {
    assertThat(fits(value, resolve(schema), where)).as("%s: %s does not fit %s", where, value, schema).isEmpty();
  }

  private List<String> fits(JsonNode value, JsonNode schema, String at) {
    schema = resolve(schema);
    var problems = new ArrayList<String>();
    if (schema.has("oneOf")) {
      int matching = 0;
      for (var option : schema.get("oneOf")) {
        if (fits(value, option, at).isEmpty()) {
          matching++;
        }
      }
      if (matching == 0) {
        problems.add(at + ": fits none of oneOf");
      }
      return problems;
    }
    var type = schema.has("type") ? schema.get("type").asString() : null;
    if (type == null) {
      return problems;
    }
    boolean typeOk = switch (type) {
      case "object" -> value.isObject();
      case "array" -> value.isArray();
      case "string" -> value.isString();
      case "integer" -> value.isIntegralNumber();
      case "number" -> value.isNumber();
      case "boolean" -> value.isBoolean();
      default -> false;
    };
    if (!typeOk) {
      problems.add(at + ": not " + type);
      return problems;
    }
    if (schema.has("enum")) {
      Set<String> allowed = new HashSet<>();
      schema.get("enum").forEach(e -> allowed.add(e.asString()));
      if (!allowed.contains(value.asString())) {
        problems.add(at + ": not in enum");
      }
    }
    if (value.isObject()) {
      if (schema.has("required")) {
        for (var required : schema.get("required")) {
          if (!value.has(required.asString())) {
            problems.add(at + "." + required.asString() + ": missing");
          }
        }
      }
      var properties = schema.get("properties");
      var additional = schema.get("additionalProperties");
      for (var name : value.propertyNames()) {
        if (properties != null && properties.has(name)) {
          problems.addAll(fits(value.get(name), properties.get(name), at + "." + name));
        } else if (properties != null && (additional == null || !additional.asBoolean(true))) {
          problems.add(at + "." + name + ": not described");
        }
      }
    }
    if (value.isArray() && schema.has("items")) {
      for (int i = 0; i < value.size(); i++) {
        problems.addAll(fits(value.get(i), schema.get("items"), at + "[" + i + "]"));
      }
    }
    return problems;
  }
}
