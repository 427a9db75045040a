package io.segmentrelay.web;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** A write key Segment rejects, as the admin sees it, and recovering from it. */
class DeliveryFailureUiTest extends BrowserTest {

  private static final String WRITE_KEY_ADVICE =
      "Confirm the Write Key matches the source you're inspecting in Segment.";

  @Test
  void a_rejected_write_key_shows_the_failure_and_the_write_key_advice_in_the_log_and_on_the_detail_page() {
    var tenant = newTenant();
    var unknownKey = "wk_unknown_" + UUID.randomUUID().toString().replace("-", "");
    newIntegration(tenant, unknownKey);
    postEvents(tenant, event("fail_1"));
    dispatcher.runDue();
    signIn(tenant.adminToken());

    assertThat(page.locator("table tbody tr").first()).containsText("HTTP 401");
    link("Segment").click();
    assertThat(page.locator("section", new Page.LocatorOptions().setHasText("Last error")))
        .containsText("HTTP 401");
    assertThat(advice()).containsText(WRITE_KEY_ADVICE);

    link("Delivery log").click();
    assertThat(page.locator("table tbody tr").first()).containsText("Failed");
    assertThat(page.locator("table tbody tr").first()).containsText("HTTP 401");
    assertThat(advice()).containsText(WRITE_KEY_ADVICE);

    link("Response Submitted").click();
    assertThat(page.locator("table")).containsText("401");
    assertThat(page.locator("table")).containsText("unknown write key");
    assertThat(page.locator("pre.json")).containsText("\"messageId\"");
    assertThat(page.getByText("We set a stable messageId per event")).isVisible();
    assertThat(advice()).containsText(WRITE_KEY_ADVICE);
    button("Retry now").click();
    assertThat(page.getByRole(AriaRole.STATUS)).containsText("Queued for delivery now");
    dispatcher.runDue();
    page.reload();
    assertThat(page.locator("table tbody tr")).hasCount(2);
    assertThat(page.locator("table tbody tr").nth(1)).containsText("401");
  }

  @Test
  void a_test_event_with_a_rejected_key_shows_the_failure_and_replay_delivers_once_the_key_is_known() {
    var tenant = newTenant();
    var key = "wk_late_" + UUID.randomUUID().toString().replace("-", "");
    var id = newIntegration(tenant, key);
    postEvents(tenant, event("late_1"));
    dispatcher.runDue();
    signIn(tenant.adminToken());
    page.navigate("/integrations/" + id);

    button("Send test event").click();
    assertThat(page.locator("#test")).containsText("Test event failed: HTTP 401");
    assertThat(page.locator("#test")).containsText(WRITE_KEY_ADVICE);

    sandbox().registerWriteKey(key);
    button("Send test event").click();
    assertThat(page.locator("#test")).containsText("Test event delivered: HTTP 200");

    link("Delivery log").click();
    button("Replay failed deliveries").click();
    assertThat(page.getByRole(AriaRole.STATUS)).containsText("Replaying 1 failed delivery");
    dispatcher.runDue();
    page.getByLabel("Status").selectOption("delivered");
    button("Filter").click();
    assertThat(page.locator("table tbody tr")).hasCount(1);
    assertThat(page.locator("table tbody tr")).containsText("Delivered");
  }

  private Locator advice() {
    return page.getByRole(AriaRole.NOTE);
  }
}
