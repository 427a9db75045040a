package io.segmentrelay.delivery;

import static org.awaitility.Awaitility.await;

import io.segmentrelay.sandbox.FaultRule;
import io.segmentrelay.support.Api;
import io.segmentrelay.support.RelayTest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.springframework.test.context.DynamicPropertyRegistry;
import tools.jackson.databind.JsonNode;

/** Shared steps of the delivery tests: one tenant, one integration on the sandbox. */
abstract class DeliveryTestSupport extends RelayTest {

  protected Tenant tenant;
  protected String writeKey;
  protected String integrationId;

  /** The sandbox is shared: a fault a test added, even one that failed halfway, goes with it. */
  @AfterEach
  void clearSandboxFaults() {
    sandbox().clearFaults();
  }

  protected void newSetup() {
    tenant = newTenant();
    writeKey = newWriteKey();
    integrationId = newIntegration(tenant, writeKey);
  }

  protected JsonNode onlyDelivery() {
    var list = deliveries(tenant, integrationId).json().get("deliveries");
    if (list.size() != 1) {
      throw new AssertionError("expected one delivery, got " + list.size());
    }
    return list.get(0);
  }

  protected List<JsonNode> allDeliveries() {
    var out = new ArrayList<JsonNode>();
    deliveries(tenant, integrationId).json().get("deliveries").forEach(out::add);
    return out;
  }

  /**
   * Posts one event and waits until its request is out: the sandbox has recorded it and holds the
   * answer back for {@code hold}, keeping the integration's slot busy that long.
   */
  protected void postHeldBySandbox(String eventId, Duration hold) {
    sandbox().addFault(FaultRule.delay(hold).forWriteKey(writeKey));
    postEvents(tenant, event(eventId));
    await().atMost(Duration.ofSeconds(2)).until(() -> sandbox().stats(writeKey).events() == 1);
  }

  /**
   * A live dispatcher with one request in flight per integration and a hand-off of 50, for tests
   * of the hand-off (not a {@code @DynamicPropertySource} itself: each test class opts in).
   */
  protected static void liveDispatcherWithOneSlot(DynamicPropertyRegistry registry) {
    registry.add("relay.delivery.enabled", () -> "true");
    registry.add("relay.delivery.poll-interval", () -> "PT1M");
    registry.add("relay.delivery.concurrency-per-integration", () -> "1");
    registry.add("relay.delivery.handoff-limit", () -> "50");
    // Above the sandbox's hold of a request, which must not time out.
    registry.add("relay.delivery.request-timeout", () -> "PT10S");
  }

  protected String status(String eventId) {
    return delivery(eventId).get("status").asString();
  }

  protected JsonNode delivery(String eventId) {
    return allDeliveries().stream()
        .filter(d -> d.get("eventId").asString().equals(eventId))
        .findFirst()
        .orElseThrow();
  }

  protected static Instant instant(JsonNode node) {
    return node == null || node.isNull() ? null : Instant.parse(node.asString());
  }

  protected Map<String, Object> batchOf(String prefix, int n) {
    var list = new ArrayList<Object>();
    for (int i = 0; i < n; i++) {
      list.add(event(prefix + i));
    }
    return Map.of("batch", list);
  }

  protected List<String> receivedEventIds() {
    return sandbox().events(writeKey).stream()
        .map(e -> e.at("/properties/references/event_id").asString())
        .toList();
  }

  protected Api.Response patchIntegration(Object body) {
    return api.patch("/api/v1/integrations/" + integrationId, tenant.adminToken(), body);
  }
}
