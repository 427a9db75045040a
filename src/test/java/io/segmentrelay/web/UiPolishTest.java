package io.segmentrelay.web;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import io.segmentrelay.sandbox.FaultRule;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** What a new user noticed first: defaults, the 404 page, phone widths, times, texts. */
class UiPolishTest extends BrowserTest {

  @Test
  void the_only_destination_is_chosen_already() {
    signIn(newTenant().adminToken());
    page.navigate("/integrations/new?category=data-out");

    assertThat(page.getByLabel("Segment")).isChecked();
    button("Continue").click();
    assertThat(page.getByLabel("Write Key")).isVisible();
  }

  @Test
  void an_unknown_page_has_the_logo_the_navigation_and_sign_out() {
    signIn(newTenant().adminToken());

    var response = page.navigate("/no-such-page");

    assertThat(response.status()).isEqualTo(404);
    assertThat(heading("Page not found")).isVisible();
    assertThat(page.locator(".topbar .brand-mark")).isVisible();
    assertThat(page.getByRole(AriaRole.NAVIGATION,
        new Page.GetByRoleOptions().setName("Main"))
        .getByText("Integrations")).isVisible();
    button("Sign out").click();
    assertThat(page).hasURL(baseUrl() + "/login?signedOut");
  }

  @Test
  void api_paths_still_answer_json_for_an_unknown_address() {
    var response = api.get("/api/v1/no-such-thing", newTenant().adminToken());
    assertThat(response.status()).isEqualTo(404);
    assertThat(response.contentType()).doesNotContain("text/html");
  }

  @Test
  void at_phone_width_delivered_and_failed_stay_on_screen() {
    var tenant = newTenant();
    newIntegration(tenant, newWriteKey());
    var phone = context.browser().newContext(new Browser.NewContextOptions()
        .setViewportSize(375, 740).setBaseURL(baseUrl()));
    try {
      var small = phone.newPage();
      small.navigate("/login");
      small.getByLabel("Admin token").fill(tenant.adminToken());
      small.getByText("Sign in").last().click();
      assertThat(small.locator("table")).isVisible();

      for (var name : new String[] {"Delivered", "Failed"}) {
        Locator header = small.locator("th", new Page.LocatorOptions()
            .setHasText(name));
        assertThat(header).isVisible();
        var box = header.boundingBox();
        assertThat(box.x + box.width).as(name).isLessThanOrEqualTo(375);
      }
      var scrollWidth = (Number) small.evaluate("document.documentElement.scrollWidth");
      assertThat(scrollWidth.intValue()).isLessThanOrEqualTo(375);
    } finally {
      phone.close();
    }
  }

  @Test
  void replay_times_are_typed_as_24_hour_utc_and_the_chart_names_its_time_zone() {
    var tenant = newTenant();
    var id = newIntegration(tenant, newWriteKey());
    signIn(tenant.adminToken());

    page.navigate("/integrations/" + id);
    assertThat(page.locator("svg.chart text.axis-zone")).hasText("UTC");

    page.navigate("/integrations/" + id + "/deliveries");
    var since = page.getByLabel("From (UTC)");
    assertThat(since).hasAttribute("type", "text");
    assertThat(since).hasAttribute("placeholder", "YYYY-MM-DD HH:MM");
    since.fill("2026-05-13 14:00");
    page.getByLabel("To (UTC)").fill("2026-05-13 23:30");
    button("Replay failed deliveries").click();
    assertThat(page.getByRole(AriaRole.STATUS))
        .containsText("Replaying 0 failed deliveries");
  }

  @Test
  void a_rejected_key_reads_as_sentences_and_the_message_id_stays_on_one_line() {
    var tenant = newTenant();
    var key = newWriteKey();
    var id = newIntegration(tenant, key);
    sandbox().addFault(FaultRule.status(401).forWriteKey(key));
    postEvents(tenant, event("polish_1"));
    dispatcher.runDue();
    var reason = deliveries(tenant, id).field("/deliveries/0/failureReason");
    assertThat(reason).contains("and the region. Response: ").doesNotContain("..");

    signIn(tenant.adminToken());
    page.navigate("/integrations/" + id + "/deliveries/" + deliveries(tenant, id).field("/deliveries/0/id"));
    var messageId = page.locator("code.message-id");
    assertThat(messageId).hasText(Pattern.compile("^rly-.{36}$"));
    var lineHeight = ((Number) messageId.evaluate(
        "e => parseFloat(getComputedStyle(e).lineHeight) || e.getClientRects()[0].height")).doubleValue();
    assertThat(messageId.boundingBox().height).isLessThan(lineHeight * 1.9);
    assertThat(((Number) messageId.evaluate("e => e.getClientRects().length")).intValue())
        .isEqualTo(1);
  }
}
