package io.segmentrelay.web;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

import io.segmentrelay.sandbox.FaultRule;
import io.segmentrelay.support.Api;
import java.time.Duration;
import java.util.ArrayList;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Captures docs/screenshots/ from an organization with a day of traffic: a healthy integration
 * with a few failures and retries, one paused with held events, and one with a rejected key.
 */
class DocsScreenshotsTest extends BrowserTest {

  @Test
  void the_integrations_list_detail_page_and_delivery_log_show_a_day_of_traffic() {
    var tenant = newTenant();
    var goodKey = newWriteKey();
    var production = newIntegration(tenant, goodKey, sandboxUrl(), null);
    rename(tenant, production, "Production");
    var eu = newIntegration(tenant, newWriteKey(), "https://events.eu1.segmentapis.com", null);
    rename(tenant, eu, "EU workspace");
    api.post("/api/v1/integrations/" + eu + "/pause", tenant.adminToken(), Api.map());
    var staging = newIntegration(tenant, "wk_revoked_" + UUID.randomUUID(), sandboxUrl(), null);
    rename(tenant, staging, "Staging");

    playADay(tenant, goodKey);
    signIn(tenant.adminToken());
    assertThat(page.locator("table tbody tr")).hasCount(3);
    screenshot("integrations.png", false);

    link("Production").click();
    assertThat(page.locator(".stats")).containsText("Retrying");
    screenshot("detail.png", true);

    link("Delivery log").click();
    assertThat(page.locator("table tbody tr").first()).isVisible();
    screenshot("delivery-log.png", false);
  }

  /** 24 hours of events, hour by hour; a 403 at two hours, and a 503 in the last one. */
  private void playADay(Tenant tenant, String goodKey) {
    var end = START.plus(Duration.ofMinutes(50));
    int sequence = 0;
    for (int hour = 23; hour >= 0; hour--) {
      clock.set(end.minus(Duration.ofHours(hour)));
      if (hour == 17 || hour == 6) {
        sandbox().addFault(FaultRule.status(403).forWriteKey(goodKey));
      }
      if (hour == 0) {
        sandbox().addFault(FaultRule.status(503).forWriteKey(goodKey));
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
