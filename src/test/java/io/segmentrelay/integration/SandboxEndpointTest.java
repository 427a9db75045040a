package io.segmentrelay.integration;

import static org.assertj.core.api.Assertions.assertThat;

import io.segmentrelay.sandbox.SandboxReceiver;
import io.segmentrelay.support.Api;
import io.segmentrelay.support.RelayTest;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The built-in sandbox is stored as itself, not as a URL with the port of the start that created
 * it: whatever port the relay listens on now (a random one here), its integrations reach it.
 */
@DirtiesContext // its own context (sandbox on): closed after the class, so its connections are freed
class SandboxEndpointTest extends RelayTest {

  @DynamicPropertySource
  static void builtInSandbox(DynamicPropertyRegistry registry) {
    registry.add("relay.sandbox.enabled", () -> "true");
  }

  @Autowired private SandboxReceiver builtIn;

  @Test
  void an_integration_on_the_sandbox_is_stored_without_a_port_and_reaches_the_current_one() {
    var tenant = newTenant();
    var writeKey = "wk_builtin_" + UUID.randomUUID();
    builtIn.registerWriteKey(writeKey);

    var id = newIntegration(tenant, writeKey, "sandbox:", null);
    var stored = api.get("/api/v1/integrations/" + id, tenant.adminToken());
    assertThat(stored.field("/endpoint")).isEqualTo("sandbox:");

    var test = api.post("/api/v1/integrations/" + id + "/test", tenant.adminToken(), Map.of());
    assertThat(test.json().path("httpStatus").asInt()).as(test.text()).isEqualTo(200);
    assertThat(builtIn.events(writeKey)).hasSize(1);
  }

  @Test
  void a_sandbox_url_with_an_old_port_is_accepted_as_the_sandbox_itself() {
    var tenant = newTenant();
    var writeKey = "wk_builtin_" + UUID.randomUUID();
    builtIn.registerWriteKey(writeKey);
    int stalePort = (port == 8080) ? 8081 : 8080;

    var created = api.post("/api/v1/integrations", tenant.adminToken(), Api.map("type", "segment",
        "name", "Sandbox", "writeKey", writeKey,
        "endpoint", "http://localhost:" + stalePort + "/sandbox/"));

    assertThat(created.status()).as(created.text()).isEqualTo(201);
    assertThat(created.field("/endpoint")).isEqualTo("sandbox:");
    var id = created.field("/id");
    var test = api.post("/api/v1/integrations/" + id + "/test", tenant.adminToken(), Map.of());
    assertThat(test.json().path("httpStatus").asInt()).as(test.text()).isEqualTo(200);
  }

  @Test
  void a_url_elsewhere_is_still_refused() {
    var tenant = newTenant();
    var created = api.post("/api/v1/integrations", tenant.adminToken(), Api.map("type", "segment",
        "name", "Elsewhere", "writeKey", "wk_x", "endpoint", "http://example.com:8080/sandbox"));
    assertThat(created.status()).isEqualTo(400);
    assertThat(created.text()).contains("sandbox:");
  }

  @Test
  void the_relays_sandbox_reads_gzip_sent_as_a_form_through_the_whole_filter_chain()
      throws Exception {
    var writeKey = "wk_builtin_" + UUID.randomUUID();
    builtIn.registerWriteKey(writeKey);
    var json = "{\"batch\":[{\"type\":\"track\",\"event\":\"Clicked\",\"userId\":\"u1\","
        + "\"messageId\":\"m_gz\"}]}";
    var gzipped = new ByteArrayOutputStream();
    try (var out = new GZIPOutputStream(gzipped)) {
      out.write(json.getBytes(StandardCharsets.UTF_8));
    }
    var auth = Base64.getEncoder().encodeToString((writeKey + ":").getBytes());
    var request = HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + port + "/sandbox/v1/b/"))
        .header("Authorization", "Basic " + auth)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .header("Content-Encoding", "gzip")
        .POST(HttpRequest.BodyPublishers.ofByteArray(gzipped.toByteArray()))
        .build();

    var response = HttpClient.newHttpClient()
        .send(request, HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(builtIn.events(writeKey)).singleElement()
        .satisfies(e -> assertThat(e.path("messageId").asString()).isEqualTo("m_gz"));
  }
}
