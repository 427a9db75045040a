package io.segmentrelay.web;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

import com.microsoft.playwright.options.LoadState;
import io.segmentrelay.sandbox.FaultRule;
import io.segmentrelay.support.Api;
import java.time.Duration;
import java.util.ArrayList;
import java.util.UUID;
import io.segmentrelay.sandbox.SandboxReceiver;
import io.segmentrelay.segment.SegmentEndpoints;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Captures docs/screenshots/ ({@code ./mvnw -Pscreenshots test}; a plain build skips it) from an
 * organization with a day of traffic: a healthy integration with a few failures and retries, one
 * paused with held events, and one with a rejected key. The integrations deliver to the built-in
 * sandbox ({@code sandbox:}), so no test port appears in the pictures.
 */
class DocsScreenshotsTest extends BrowserTest {

  @DynamicPropertySource
  static void builtInSandbox(DynamicPropertyRegistry registry) {
    registry.add("relay.sandbox.enabled", () -> "true");
  }

  @Autowired private SandboxReceiver builtIn;

  @Test
  void the_integrations_list_detail_page_and_delivery_log_show_a_day_of_traffic() {
    var tenant = newTenant();
    var goodKey = "wk_production_" + UUID.randomUUID();
    builtIn.registerWriteKey(goodKey);
    var production = newIntegration(tenant, goodKey, SegmentEndpoints.SANDBOX, null);
    rename(tenant, production, "Production");
    var eu = newIntegration(tenant, newWriteKey(), "https://events.eu1.segmentapis.com", null);
    rename(tenant, eu, "EU workspace");
    api.post("/api/v1/integrations/" + eu + "/pause", tenant.adminToken(), Api.map());
    var staging =
        newIntegration(tenant, "wk_revoked_" + UUID.randomUUID(), SegmentEndpoints.SANDBOX, null);
    rename(tenant, staging, "Staging");

    playADay(tenant, goodKey);
    signIn(tenant.adminToken());
    assertThat(page.locator("table tbody tr")).hasCount(3);
    page.waitForLoadState(LoadState.LOAD);
    screenshot("integrations.png");

    link("Production").click();
    assertThat(page.locator(".stats")).containsText("Retrying");
    assertThat(button("Save events")).isVisible();
    page.waitForLoadState(LoadState.LOAD);
    screenshot("detail.png");

    link("Delivery log").click();
    assertThat(page.locator("table tbody tr").first()).isVisible();
    // The last column (Open) is in the picture, not scrolled off.
    var open = page.locator("table tbody tr").first().getByText("Open");
    var box = open.boundingBox();
    Assertions.assertThat(box.x + box.width).isLessThanOrEqualTo(1280 - 24);
    page.waitForLoadState(LoadState.LOAD);
    screenshot("delivery-log.png");
  }

  /** 24 hours of events, hour by hour; a 403 at two hours, and a 503 in the last one. */
  private void playADay(Tenant tenant, String goodKey) {
    var end = START.plus(Duration.ofMinutes(50));
    int sequence = 0;
    for (int hour = 23; hour >= 0; hour--) {
      clock.set(end.minus(Duration.ofHours(hour)));
      if (hour == 17 || hour == 6) {
        builtIn.addFault(FaultRule.status(403).forWriteKey(goodKey));
      }
      if (hour == 0) {
        builtIn.addFault(FaultRule.status(503).forWriteKey(goodKey));
      }
      int count = 2 + (hour * 7 % 9);
      var events = new ArrayList<Object>();
      for (int i = 0; i < count; i++) {
        var event = event("day_" + UUID.randomUUID().toString().substring(0, 8) + "_" + sequence++);
        event.put("type", i % 3 == 0 ? "flow_viewed" : (i % 3 == 1 ? "response_submitted" : "flow_dismissed"));
        events.add(event);
      }
      postEvents(tenant, Api.map("batch", events));
      dispatcher.runDue();
    }
  }

  private void rename(Tenant tenant, String id, String name) {
    api.patch("/api/v1/integrations/" + id, tenant.adminToken(), Api.map("name", name));
  }
}
