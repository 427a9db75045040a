package io.segmentrelay.inbound;

import static org.assertj.core.api.Assertions.assertThat;

import com.segment.analytics.Analytics;
import com.segment.analytics.Callback;
import com.segment.analytics.messages.AliasMessage;
import com.segment.analytics.messages.GroupMessage;
import com.segment.analytics.messages.IdentifyMessage;
import com.segment.analytics.messages.Message;
import com.segment.analytics.messages.MessageBuilder;
import com.segment.analytics.messages.PageMessage;
import com.segment.analytics.messages.TrackMessage;
import io.segmentrelay.support.Api;
import io.segmentrelay.support.RelayTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import okhttp3.OkHttpClient;
import okio.Buffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * Segment as a source, fed by Segment's own Java library (analytics-java), so the messages have
 * exactly the shape Segment sends: its batch envelope, message ids, timestamps and context.
 */
@ExtendWith(OutputCaptureExtension.class)
class InboundTest extends RelayTest {

  @Autowired JdbcClient jdbc;
  @Autowired InboundRetention retention;

  private String rotate(Tenant tenant) {
    var response = api.post("/api/v1/apps/" + tenant.appId() + "/inbound-secret", tenant.adminToken(), Map.of());
    assertThat(response.status()).isEqualTo(200);
    return response.field("/secret");
  }

  private static String hmacSha1(String secret, byte[] body) throws Exception {
    var mac = Mac.getInstance("HmacSHA1");
    mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
    return HexFormat.of().formatHex(mac.doFinal(body));
  }

  /** How the library's calls are authenticated: its own Basic header is replaced. */
  private enum Auth { BEARER, SIGNATURE }

  /** Sends the messages through analytics-java in one batch; returns the failures. */
  private List<Throwable> sendWithSegmentLibrary(
      Tenant tenant, String secret, Auth auth, List<MessageBuilder<?, ?>> messages) throws Exception {
    var client = new OkHttpClient.Builder()
        .addInterceptor(chain -> {
          var request = chain.request();
          var builder = request.newBuilder().removeHeader("Authorization");
          if (auth == Auth.BEARER) {
            builder.header("Authorization", "Bearer " + secret);
          } else {
            var buffer = new Buffer();
            request.body().writeTo(buffer);
            try {
              builder.header("X-Signature", hmacSha1(secret, buffer.readByteArray()));
            } catch (Exception e) {
              throw new IllegalStateException(e);
            }
          }
          return chain.proceed(builder.build());
        })
        .build();
    var done = new CountDownLatch(messages.size());
    var failures = new CopyOnWriteArrayList<Throwable>();
    var analytics = Analytics.builder("unused-write-key")
        .setUploadURL("http://localhost:" + port + "/v1/segment/inbound?appId=" + tenant.appId())
        .client(client)
        .flushQueueSize(messages.size())
        .retries(1)
        .callback(new Callback() {
          @Override
          public void success(Message message) {
            done.countDown();
          }

          @Override
          public void failure(Message message, Throwable throwable) {
            failures.add(throwable);
            done.countDown();
          }
        })
        .build();
    try {
      messages.forEach(analytics::enqueue);
      analytics.flush();
      assertThat(done.await(20, TimeUnit.SECONDS)).as("the library reported every message").isTrue();
    } finally {
      analytics.shutdown();
    }
    return failures;
  }

  private Counts counts(Tenant tenant) {
    var status = api.get("/api/v1/apps/" + tenant.appId() + "/inbound", tenant.adminToken());
    assertThat(status.status()).isEqualTo(200);
    return new Counts(status.json().at("/last24h/received").asLong(),
        status.json().at("/last24h/applied").asLong(), status.json().at("/last24h/ignored").asLong());
  }

  private record Counts(long received, long applied, long ignored) {}

  private static Map<String, Object> anonymousEvent(String id, String anonymousId) {
    return Api.map("id", id, "type", "response_submitted", "timestamp", "2026-05-13T10:14:00.000Z",
        "anonymousId", anonymousId, "surveyId", "srv_1");
  }

  @Test
  void segment_identities_reach_the_next_survey_event_and_nothing_goes_back_to_segment() throws Exception {
    var tenant = newTenant();
    var writeKey = newWriteKey();
    var integrationId = newIntegration(tenant, writeKey);
    var secret = rotate(tenant);

    // 1. An anonymous visitor answers a survey.
    assertThat(postEvents(tenant, anonymousEvent("evt_1", "anon_1")).status()).isEqualTo(202);
    // 2. Segment later identifies the visitor, signed as its Webhooks destination signs.
    var failures = sendWithSegmentLibrary(tenant, secret, Auth.SIGNATURE, List.of(
        IdentifyMessage.builder().anonymousId("anon_1").userId("u_9").traits(Map.of("plan", "pro"))));
    assertThat(failures).isEmpty();
    // 3. The visitor's next survey event carries Segment's identity.
    assertThat(postEvents(tenant, anonymousEvent("evt_2", "anon_1")).status()).isEqualTo(202);
    dispatcher.runDue();

    var received = sandbox().events(writeKey);
    assertThat(received).as("only the two survey events reach Segment").hasSize(2);
    var first = received.stream()
        .filter(e -> e.at("/properties/references/event_id").asString().equals("evt_1")).findFirst().orElseThrow();
    var next = received.stream()
        .filter(e -> e.at("/properties/references/event_id").asString().equals("evt_2")).findFirst().orElseThrow();
    assertThat(first.has("userId")).isFalse();
    assertThat(next.get("userId").asString()).isEqualTo("u_9");
    assertThat(next.get("anonymousId").asString()).isEqualTo("anon_1");
    assertThat(next.at("/properties/traits/plan").asString()).isEqualTo("pro");
    assertThat(deliveries(tenant, integrationId).json().get("deliveries")).hasSize(2);
    assertThat(counts(tenant)).isEqualTo(new Counts(1, 1, 0));
  }

  @Test
  void alias_track_and_page_link_ids_and_other_types_are_counted_and_ignored() throws Exception {
    var tenant = newTenant();
    var writeKey = newWriteKey();
    newIntegration(tenant, writeKey);
    var secret = rotate(tenant);
    var failures = sendWithSegmentLibrary(tenant, secret, Auth.BEARER, List.of(
        AliasMessage.builder("anon_2").userId("u_2"),
        TrackMessage.builder("Signed Up").anonymousId("anon_3").userId("u_3"),
        PageMessage.builder("Pricing").anonymousId("anon_4").userId("u_4"),
        TrackMessage.builder("Clicked").anonymousId("anon_5"),
        GroupMessage.builder("grp_1").userId("u_2")));
    assertThat(failures).isEmpty();
    assertThat(counts(tenant)).isEqualTo(new Counts(5, 3, 2));

    postEvents(tenant, Map.of("batch", new Object[] {anonymousEvent("evt_a", "anon_2"),
        anonymousEvent("evt_t", "anon_3"), anonymousEvent("evt_p", "anon_4"),
        anonymousEvent("evt_n", "anon_5")}));
    dispatcher.runDue();
    var userOf = new HashMap<String, String>();
    for (var e : sandbox().events(writeKey)) {
      userOf.put(e.get("anonymousId").asString(), e.has("userId") ? e.get("userId").asString() : null);
    }
    assertThat(userOf).containsEntry("anon_2", "u_2").containsEntry("anon_3", "u_3")
        .containsEntry("anon_4", "u_4").containsEntry("anon_5", null);
  }

  /** A batch exactly as @segment/analytics-node 3.1.0 sent it (see src/test/node). */
  @Test
  void a_batch_from_segments_node_library_is_applied_as_sent() throws Exception {
    var tenant = newTenant();
    var secret = rotate(tenant);
    JsonNode fixture;
    try (var in = getClass().getResourceAsStream("/fixtures/analytics-node-batch.json")) {
      fixture = Api.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
    assertThat(fixture.get("path").asString()).isEqualTo("/v1/segment/inbound");
    var response = api.send("POST", "/v1/segment/inbound", secret, fixture.get("contentType").asString(),
        fixture.get("body").toString());
    assertThat(response.status()).as(response.text()).isEqualTo(200);
    assertThat(response.json().get("accepted").asInt()).isEqualTo(6);
    assertThat(counts(tenant)).isEqualTo(new Counts(6, 4, 2));
    var links = jdbc.sql("SELECT anonymous_id || '>' || user_id FROM identity_links WHERE organization_id = ?")
        .param(tenant.organizationId()).query(String.class).list();
    assertThat(links).containsExactlyInAnyOrder("node_anon_1>node_u_1", "node_anon_2>node_u_2",
        "node_anon_3>node_u_3", "node_anon_4>node_u_4");
  }

  @Test
  void a_resent_message_id_changes_nothing() {
    var tenant = newTenant();
    var secret = rotate(tenant);
    var first = Api.map("type", "identify", "messageId", "m_1", "userId", "u_1", "traits", Map.of("plan", "free"));
    var resent = Api.map("type", "identify", "messageId", "m_1", "userId", "u_1", "traits", Map.of("plan", "pro"));
    assertThat(api.post("/v1/segment/inbound", secret, first).json().get("accepted").asInt()).isEqualTo(1);
    var again = api.post("/v1/segment/inbound", secret, Map.of("batch", new Object[] {resent, resent}));
    assertThat(again.status()).isEqualTo(200);
    assertThat(again.text()).isEqualTo("{\"accepted\":2}");
    assertThat(counts(tenant)).isEqualTo(new Counts(1, 1, 0));
    var traits = jdbc.sql("SELECT traits FROM profiles WHERE organization_id = ? AND profile_key = 'user:u_1'")
        .param(tenant.organizationId()).query(String.class).single();
    assertThat(traits).isEqualTo("{\"plan\":\"free\"}");

    // Past retention the id is forgotten: what is left of the counts is only newer messages.
    clock.set(START.plus(java.time.Duration.ofDays(31)));
    assertThat(retention.purge()).isGreaterThanOrEqualTo(1);
    assertThat(jdbc.sql("SELECT COUNT(*) FROM inbound_messages WHERE app_id = ?").param(tenant.appId())
        .query(Long.class).single()).isZero();
  }

  @Test
  void calls_without_the_secret_or_with_a_bad_signature_get_401_and_store_nothing() throws Exception {
    var tenant = newTenant();
    var other = newTenant();
    var body = Api.json(Api.map("type", "identify", "messageId", "m_x", "anonymousId", "anon_x", "userId", "u_x"));
    // No secret created yet: nothing is accepted.
    assertThat(signed(tenant, "guess", body).statusCode()).isEqualTo(401);
    var secret = rotate(tenant);
    var otherSecret = rotate(other);

    var unsigned = api.send("POST", "/v1/segment/inbound?appId=" + tenant.appId(), null, "application/json", body);
    assertThat(unsigned.status()).isEqualTo(401);
    assertThat(unsigned.contentType()).contains("application/problem+json");
    assertThat(unsigned.text()).contains("X-Signature");
    assertThat(api.send("POST", "/v1/segment/inbound", "wrong", "application/json", body).status()).isEqualTo(401);
    assertThat(api.send("POST", "/v1/segment/inbound", tenant.ingestKey(), "application/json", body).status())
        .as("the ingest key is not the inbound secret").isEqualTo(401);
    assertThat(api.send("POST", "/v1/segment/inbound?appId=" + tenant.appId(), otherSecret, "application/json", body)
        .status()).as("another app's secret").isEqualTo(401);
    assertThat(signed(tenant, otherSecret, body).statusCode()).isEqualTo(401);
    var tampered = http("/v1/segment/inbound?appId=" + tenant.appId(), body.replace("u_x", "u_y"),
        hmacSha1(secret, body.getBytes(StandardCharsets.UTF_8)));
    assertThat(tampered.statusCode()).isEqualTo(401);
    var noAppId = http("/v1/segment/inbound", body, hmacSha1(secret, body.getBytes(StandardCharsets.UTF_8)));
    assertThat(noAppId.statusCode()).isEqualTo(401);
    assertThat(counts(tenant)).isEqualTo(new Counts(0, 0, 0));
    assertThat(jdbc.sql("SELECT COUNT(*) FROM identity_links WHERE anonymous_id = 'anon_x'"
            + " AND organization_id = ?").param(tenant.organizationId())
        .query(Long.class).single()).isZero();

    assertThat(signed(tenant, secret, body).statusCode()).isEqualTo(200);
    assertThat(counts(tenant)).isEqualTo(new Counts(1, 1, 0));
  }

  @Test
  void rotating_the_secret_shows_it_once_and_stops_the_old_one(CapturedOutput output) {
    var tenant = newTenant();
    var status = api.get("/api/v1/apps/" + tenant.appId() + "/inbound", tenant.adminToken()).json();
    assertThat(status.get("secretSet").asBoolean()).isFalse();
    assertThat(status.get("url").asString()).endsWith("/v1/segment/inbound");
    assertThat(status.get("signedUrl").asString()).endsWith("/v1/segment/inbound?appId=" + tenant.appId());

    var old = rotate(tenant);
    var current = rotate(tenant);
    assertThat(current).startsWith("srs_").isNotEqualTo(old);
    var body = Map.of("type", "identify", "messageId", "m_r", "userId", "u_r");
    assertThat(api.post("/v1/segment/inbound", old, body).status()).isEqualTo(401);
    assertThat(api.post("/v1/segment/inbound", current, body).status()).isEqualTo(200);

    var shown = api.get("/api/v1/apps/" + tenant.appId() + "/inbound", tenant.adminToken());
    assertThat(shown.json().get("secretSet").asBoolean()).isTrue();
    assertThat(shown.text()).doesNotContain(current);
    var stored = jdbc.sql("SELECT secret_hash || ' ' || secret_enc FROM inbound_secrets WHERE app_id = ?")
        .param(tenant.appId()).query(String.class).single();
    assertThat(stored).doesNotContain(current).doesNotContain(current.substring(4));

    var other = newTenant();
    assertThat(api.post("/api/v1/apps/" + tenant.appId() + "/inbound-secret", other.adminToken(), Map.of()).status())
        .as("another organization's app").isEqualTo(404);
    assertThat(api.get("/api/v1/apps/" + tenant.appId() + "/inbound", other.adminToken()).status()).isEqualTo(404);
    assertThat(api.post("/api/v1/apps/" + tenant.appId() + "/inbound-secret", tenant.ingestKey(), Map.of()).status())
        .isEqualTo(401);
    assertThat(output.getAll()).doesNotContain(old).doesNotContain(current);
  }

  @Test
  void a_deleted_apps_secret_stops_working_and_its_page_is_gone() {
    var tenant = newTenant();
    var secret = rotate(tenant);
    var body = Map.of("type", "identify", "messageId", "m_d", "userId", "u_d");
    assertThat(api.post("/v1/segment/inbound", secret, body).status()).isEqualTo(200);
    assertThat(api.delete("/api/v1/apps/" + tenant.appId(), tenant.adminToken()).status()).isEqualTo(204);
    assertThat(api.post("/v1/segment/inbound", secret, body).status()).isEqualTo(401);
    assertThat(api.get("/api/v1/apps/" + tenant.appId() + "/inbound", tenant.adminToken()).status()).isEqualTo(404);
    assertThat(jdbc.sql("SELECT COUNT(*) FROM inbound_secrets WHERE app_id = ?").param(tenant.appId())
        .query(Long.class).single()).isZero();
  }

  @Test
  void a_secret_under_an_unknown_master_key_refuses_signed_calls_without_a_5xx() throws Exception {
    var tenant = newTenant();
    var secret = rotate(tenant);
    var foreign = "v1:" + java.util.Base64.getEncoder().encodeToString(new byte[60]);
    jdbc.sql("UPDATE inbound_secrets SET secret_enc = ? WHERE app_id = ?").params(foreign, tenant.appId()).update();
    var body = Api.json(Map.of("type", "identify", "messageId", "m_k", "userId", "u_k"));
    assertThat(signed(tenant, secret, body).statusCode()).isEqualTo(401);
    assertThat(api.post("/v1/segment/inbound", secret, body).status()).as("the hash still matches").isEqualTo(200);
  }

  @Test
  void invalid_messages_are_refused_naming_each_field_and_nothing_is_stored() {
    var tenant = newTenant();
    var secret = rotate(tenant);
    var response = api.post("/v1/segment/inbound", secret, Map.of("batch", new Object[] {
        Api.map("type", "identify", "messageId", "m_ok", "anonymousId", "anon_v", "userId", "u_v"),
        Api.map("type", "identify", "anonymousId", "a"),
        Api.map("messageId", "m_2", "userId", "u"),
        Api.map("type", "alias", "messageId", "m_3", "userId", "u"),
        Api.map("type", "identify", "messageId", "m_4", "userId", "u", "traits", "plan"),
        Api.map("type", "identify", "messageId", "m_5"),
        "not a message"}));
    assertThat(response.status()).isEqualTo(400);
    assertThat(response.contentType()).contains("application/problem+json");
    var fields = response.json().get("errors").valueStream().map(e -> e.get("field").asString()).toList();
    assertThat(fields).containsExactly("batch[1].messageId", "batch[2].type", "batch[3].previousId",
        "batch[4].traits", "batch[5].userId", "batch[6]");
    assertThat(api.send("POST", "/v1/segment/inbound", secret, "application/json", "{nope").json()
        .at("/errors/0/field").asString()).isEqualTo("body");
    assertThat(api.send("POST", "/v1/segment/inbound", secret, "text/plain", "{}").status()).isEqualTo(415);
    assertThat(counts(tenant)).isEqualTo(new Counts(0, 0, 0));
    assertThat(jdbc.sql("SELECT COUNT(*) FROM identity_links WHERE anonymous_id = 'anon_v'"
            + " AND organization_id = ?").param(tenant.organizationId())
        .query(Long.class).single()).isZero();
  }

  private HttpResponse<String> signed(Tenant tenant, String secret, String body) throws Exception {
    return http("/v1/segment/inbound?appId=" + tenant.appId(), body,
        hmacSha1(secret, body.getBytes(StandardCharsets.UTF_8)));
  }

  private HttpResponse<String> http(String path, String body, String signature) throws Exception {
    var request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
        .header("Content-Type", "application/json")
        .header("X-Signature", signature)
        .POST(HttpRequest.BodyPublishers.ofString(body))
        .build();
    return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
  }
}
