package io.segmentrelay.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.segmentrelay.support.Api;
import io.segmentrelay.support.RelayTest;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.regex.Pattern;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The sandbox inside the relay: its Segment paths are open, like Segment's, and everything else
 * takes an organization's admin and shows or changes only that organization's things.
 */
class SandboxAccessTest extends RelayTest {

  @DynamicPropertySource
  static void sandboxOn(DynamicPropertyRegistry registry) {
    registry.add("relay.sandbox.enabled", () -> "true");
  }

  private Tenant alice;
  private Tenant bob;

  @BeforeEach
  void tenants() {
    alice = newTenant();
    bob = newTenant();
  }

  @Test
  void recordings_stats_faults_and_keys_need_an_admin_token() {
    assertThat(api.get("/sandbox/events?writeKey=demo-write-key", null).status()).isEqualTo(401);
    assertThat(api.get("/sandbox/stats", null).status()).isEqualTo(401);
    assertThat(api.delete("/sandbox/events", null).status()).isEqualTo(401);
    assertThat(api.delete("/sandbox/faults", null).status()).isEqualTo(401);
    assertThat(api.post("/sandbox/faults", null, "{\"status\":400,\"times\":0}").status())
        .isEqualTo(401);
    assertThat(api.post("/sandbox/write-keys", null, "{\"writeKey\":\"k\"}").status())
        .isEqualTo(401);
    assertThat(api.get("/sandbox/stats", "sra_wrong_token").status()).isEqualTo(401);
    assertThat(api.get("/sandbox/stats", alice.ingestKey()).status()).isEqualTo(401);

    var view = api.get("/sandbox/events?writeKey=demo-write-key", alice.adminToken());
    assertThat(view.status()).isEqualTo(200);
    assertThat(view.json().get("events")).isEmpty();
  }

  @Test
  void the_segment_paths_stay_open() {
    var response = api.post("/sandbox/v1/batch", null,
        "{\"writeKey\":\"demo-write-key\",\"batch\":[" + track("m-open", "org_x") + "]}");

    assertThat(response.status()).isEqualTo(200);
  }

  @Test
  void on_a_shared_key_each_organization_sees_only_its_own_deliveries() {
    post("demo-write-key", track("m-alice", alice.organizationId()),
        track("m-bob", bob.organizationId()));

    var aliceView = api.get("/sandbox/events?writeKey=demo-write-key", alice.adminToken());
    var bobView = api.get("/sandbox/events?writeKey=demo-write-key", bob.adminToken());

    assertThat(aliceView.json().findValuesAsString("messageId")).containsExactly("m-alice");
    assertThat(bobView.json().findValuesAsString("messageId")).containsExactly("m-bob");
  }

  @Test
  void a_registered_key_is_its_organizations_alone() {
    var key = "wk_" + UUID.randomUUID();
    assertThat(register(alice, key).status()).isEqualTo(200);
    post(key, track("m1", "anything"));

    assertThat(register(bob, key).status()).isEqualTo(409);
    assertThat(register(bob, "demo-write-key").status()).isEqualTo(409);
    assertThat(api.get("/sandbox/events?writeKey=" + key, bob.adminToken()).status())
        .isEqualTo(404);
    assertThat(api.delete("/sandbox/write-keys/" + key, bob.adminToken()).status()).isEqualTo(404);
    assertThat(addFault(bob, "{\"status\":400,\"times\":0,\"writeKey\":\"" + key + "\"}").status())
        .isEqualTo(400);
    assertThat(api.get("/sandbox/stats", bob.adminToken()).text()).doesNotContain(key);
    assertThat(api.get("/sandbox/events?writeKey=" + key, alice.adminToken())
        .json().findValuesAsString("messageId")).containsExactly("m1");
    assertThat(api.get("/sandbox/stats", alice.adminToken()).json().at("/writeKeys").has(key))
        .isTrue();

    assertThat(api.delete("/sandbox/write-keys/" + key, alice.adminToken()).status())
        .isEqualTo(200);
    assertThat(post(key, track("m2", "anything")).status()).isEqualTo(401);
  }

  @Test
  void a_fault_must_name_a_key_of_the_organization() {
    var response = addFault(alice, "{\"status\":400,\"times\":0}");

    assertThat(response.status()).isEqualTo(400);
    assertThat(response.contentType()).startsWith("application/problem+json");
    assertThat(response.json().findValuesAsString("field")).containsExactly("writeKey");
    assertThat(post("demo-write-key", track("m-after", bob.organizationId())).status())
        .isEqualTo(200);
  }

  @Test
  void a_fault_on_an_own_key_applies_to_that_key_only_and_is_cleared_by_its_owner() {
    var key = "wk_" + UUID.randomUUID();
    register(alice, key);
    assertThat(addFault(alice, "{\"status\":503,\"times\":0,\"writeKey\":\"" + key + "\"}")
        .status()).isEqualTo(200);

    assertThat(post(key, track("m1", "x")).status()).isEqualTo(503);
    assertThat(post("demo-write-key", track("m2", "x")).status()).isEqualTo(200);
    api.delete("/sandbox/faults", bob.adminToken());
    assertThat(post(key, track("m3", "x")).status()).isEqualTo(503);
    api.delete("/sandbox/faults", alice.adminToken());
    assertThat(post(key, track("m4", "x")).status()).isEqualTo(200);
  }

  @Test
  void a_retry_after_with_a_line_break_is_refused() {
    var key = "wk_" + UUID.randomUUID();
    register(alice, key);

    var response = addFault(alice,
        "{\"status\":429,\"retryAfter\":\"1\\r\\nSet-Cookie: x=y\",\"writeKey\":\"" + key + "\"}");

    assertThat(response.status()).isEqualTo(400);
    assertThat(response.json().findValuesAsString("field")).containsExactly("retryAfter");
    assertThat(post(key, track("m1", "x")).status()).isEqualTo(200);
  }

  @Test
  void management_bodies_must_be_json_so_no_web_page_can_post_them() {
    var key = "wk_" + UUID.randomUUID();
    var plain = api.send("POST", "/sandbox/write-keys", alice.adminToken(), "text/plain",
        "{\"writeKey\":\"" + key + "\"}");
    var form = api.send("POST", "/sandbox/faults", alice.adminToken(),
        "application/x-www-form-urlencoded", "{\"status\":400,\"writeKey\":\"" + key + "\"}");

    assertThat(plain.status()).isEqualTo(415);
    assertThat(plain.json().findValuesAsString("field")).containsExactly("Content-Type");
    assertThat(form.status()).isEqualTo(415);
    assertThat(register(alice, key).status()).isEqualTo(200);
  }

  @Test
  void a_signed_in_admin_session_may_manage_it_too_but_only_with_json() throws Exception {
    var browser = HttpClient.newBuilder().cookieHandler(new CookieManager()).build();
    var page = browser.send(HttpRequest.newBuilder(uri("/login")).build(),
        HttpResponse.BodyHandlers.ofString());
    var csrf = Pattern.compile("name=\"_csrf\"\\s+value=\"([^\"]+)\"").matcher(page.body());
    assertThat(csrf.find()).isTrue();
    browser.send(HttpRequest.newBuilder(uri("/login"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString("_csrf=" + csrf.group(1) + "&token="
            + URLEncoder.encode(alice.adminToken(), StandardCharsets.UTF_8)))
        .build(), HttpResponse.BodyHandlers.ofString());
    var key = "wk_" + UUID.randomUUID();

    var stats = browser.send(HttpRequest.newBuilder(uri("/sandbox/stats")).build(),
        HttpResponse.BodyHandlers.ofString());
    var plain = browser.send(HttpRequest.newBuilder(uri("/sandbox/write-keys"))
        .header("Content-Type", "text/plain")
        .POST(HttpRequest.BodyPublishers.ofString("{\"writeKey\":\"" + key + "\"}")).build(),
        HttpResponse.BodyHandlers.ofString());
    var json = browser.send(HttpRequest.newBuilder(uri("/sandbox/write-keys"))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"writeKey\":\"" + key + "\"}")).build(),
        HttpResponse.BodyHandlers.ofString());

    assertThat(stats.statusCode()).isEqualTo(200);
    assertThat(plain.statusCode()).isEqualTo(415);
    assertThat(json.statusCode()).isEqualTo(200);
    assertThat(api.get("/sandbox/stats", alice.adminToken()).json().at("/writeKeys").has(key))
        .isTrue();
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  private Api.Response register(Tenant tenant, String key) {
    return api.post("/sandbox/write-keys", tenant.adminToken(), "{\"writeKey\":\"" + key + "\"}");
  }

  private Api.Response addFault(Tenant tenant, String rule) {
    return api.post("/sandbox/faults", tenant.adminToken(), rule);
  }

  private Api.Response post(String writeKey, String... events) {
    var basic = Base64.getEncoder().encodeToString((writeKey + ":").getBytes());
    return api.sendWithHeader("/sandbox/v1/batch", "Basic " + basic,
        "{\"batch\":[" + String.join(",", events) + "]}");
  }

  private static String track(String messageId, String organizationId) {
    return "{\"type\":\"track\",\"event\":\"Survey Shown\",\"userId\":\"u1\",\"messageId\":\""
        + messageId + "\",\"properties\":{\"organization_id\":\"" + organizationId + "\"}}";
  }
}
