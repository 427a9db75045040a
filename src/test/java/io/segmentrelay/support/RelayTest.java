package io.segmentrelay.support;

import io.segmentrelay.auth.TokenThrottle;
import io.segmentrelay.delivery.DispatcherHandle;
import io.segmentrelay.sandbox.SandboxReceiver;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Base of tests that run the whole relay over HTTP on a real database (H2 or PostgreSQL, see
 * {@link TestDatabases}) with the sandbox as Segment. The dispatcher's background loop is off and
 * time is a {@link SettableClock}: tests step the clock and call {@link DispatcherHandle#runDue()}.
 */
@Tag("storage")
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "relay.delivery.enabled=false",
      "relay.delivery.request-timeout=PT2S",
      "relay.master-key=AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
      "relay.operator-token=" + RelayTest.OPERATOR_TOKEN,
      "relay.sandbox.enabled=false"
    })
@Import(TestClockConfiguration.class)
public abstract class RelayTest {

  public static final String OPERATOR_TOKEN = "test-operator-token-0123456789abcdef";
  public static final Instant START = Instant.parse("2026-05-13T10:00:00Z");

  @LocalServerPort protected int port;
  @Autowired protected SettableClock clock;
  @Autowired private ApplicationContext context;
  protected DispatcherHandle dispatcher;
  protected Api api;

  @DynamicPropertySource
  static void infrastructure(DynamicPropertyRegistry registry) {
    TestDatabases.register(registry);
    registry.add("relay.segment.extra-endpoints", () -> sandboxUrl() + ",http://127.0.0.1:9");
  }

  @Autowired private JdbcClient jdbc;
  @Autowired private TokenThrottle throttle;

  /**
   * Each test starts at {@link #START} with an empty queue: what earlier tests left waiting is
   * finished, so that stepping the clock makes only this test's deliveries due.
   */
  @BeforeEach
  void setUpApi() {
    api = new Api(port);
    dispatcher = new DispatcherHandle(context);
    clock.set(START);
    // Tests that send wrong tokens on purpose share the context; each test starts uncounted.
    throttle.clear();
    jdbc.sql("UPDATE delivery_groups SET status = 'discarded', lease_owner = NULL"
            + " WHERE status IN ('pending', 'in_flight', 'held')")
        .update();
  }

  public static String sandboxUrl() {
    return Sandboxes.shared().baseUrl();
  }

  protected static SandboxReceiver sandbox() {
    return Sandboxes.shared().receiver();
  }

  /** An organization with one app: its ids, admin token and ingest key. */
  public record Tenant(String organizationId, String adminToken, String appId, String ingestKey) {}

  protected Tenant newTenant() {
    var org = api.post("/api/v1/organizations", OPERATOR_TOKEN, Map.of("name", "Org " + UUID.randomUUID()));
    var adminToken = org.field("/adminToken");
    var app = api.post("/api/v1/apps", adminToken, Map.of("name", "Web"));
    return new Tenant(org.field("/id"), adminToken, app.field("/id"), app.field("/ingestKey"));
  }

  /** A write key the sandbox knows, unique to the calling test. */
  protected static String newWriteKey() {
    var key = "wk_" + UUID.randomUUID().toString().replace("-", "");
    sandbox().registerWriteKey(key);
    return key;
  }

  /** Creates a Segment integration on the sandbox and returns its id. */
  protected String newIntegration(Tenant tenant, String writeKey) {
    return newIntegration(tenant, writeKey, sandboxUrl(), null);
  }

  protected String newIntegration(Tenant tenant, String writeKey, String endpoint, Object events) {
    var body = Api.map("type", "segment", "name", "Segment", "writeKey", writeKey, "endpoint", endpoint);
    if (events != null) {
      body.put("events", events);
    }
    var response = api.post("/api/v1/integrations", tenant.adminToken(), body);
    if (response.status() != 201) {
      throw new IllegalStateException("Creating an integration failed: " + response.text());
    }
    return response.field("/id");
  }

  /** A valid event with the given id, for user {@code user_1}. */
  protected static Map<String, Object> event(String id) {
    return Api.map(
        "id", id, "type", "response_submitted", "timestamp", "2026-05-13T10:14:00.000Z",
        "userId", "user_1", "anonymousId", "anon_1");
  }

  protected Api.Response postEvents(Tenant tenant, Object body) {
    return api.post("/v1/events", tenant.ingestKey(), body);
  }

  protected Api.Response deliveries(Tenant tenant, String integrationId) {
    return api.get("/api/v1/integrations/" + integrationId + "/deliveries?limit=500", tenant.adminToken());
  }
}
