package io.segmentrelay.web;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import com.microsoft.playwright.options.SelectOption;
import io.segmentrelay.support.Api;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The seed's setup steps, then events, pause and resume, all through the browser. */
class IntegrationWalkthroughTest extends BrowserTest {

  @Test
  void an_admin_sets_up_segment_renames_and_disables_events_and_pauses_and_resumes_delivery() {
    var tenant = newTenant();
    var writeKey = newWriteKey();
    signIn(tenant.adminToken());

    createSegmentIntegrationOnEu(writeKey);
    switchToSandbox();
    renameResponseSubmittedAndDisableFlowViewed();

    postEvents(tenant, batch("walk_1", "response_submitted", "walk_2", "flow_viewed"));
    dispatcher.runDue();
    assertThat(eventNames(writeKey)).containsExactly("survey_responded");
    link("Delivery log").click();
    assertThat(logRows()).hasCount(1);
    assertThat(logRows().first()).containsText("survey_responded");
    assertThat(logRows().first()).containsText("Delivered");

    link("Overview").click();
    button("Pause").click();
    assertThat(heading("Paused")).isVisible();
    postEvents(tenant, batch("walk_3", "response_submitted", "walk_4", "response_submitted"));
    dispatcher.runDue();
    page.reload();
    assertThat(page.locator("#resume")).containsText("2 events held");
    assertThat(page.locator("#resume")).containsText("Paused integrations don't deliver.");
    page.getByLabel("Deliver held events, oldest first").check();
    button("Resume").click();
    assertThat(page.getByRole(AriaRole.STATUS)).containsText("2 held events will be delivered");
    dispatcher.runDue();
    assertThat(eventNames(writeKey)).hasSize(3).containsOnly("survey_responded");
    link("Delivery log").click();
    assertThat(logRows()).hasCount(3);
    assertThat(logRows().filter(new Locator.FilterOptions().setHasText("Delivered"))).hasCount(3);
  }

  private void createSegmentIntegrationOnEu(String writeKey) {
    link("New integration").first().click();
    page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Data out")).click();
    page.getByLabel("Segment").check();
    button("Continue").click();
    page.getByLabel("Write Key").fill(writeKey);
    page.getByLabel("Destination endpoint")
        .selectOption(new SelectOption().setLabel("EU (events.eu1.segmentapis.com)"));
    button("Save configuration").click();

    assertThat(page.getByRole(AriaRole.STATUS)).containsText("Configuration saved");
    assertThat(page.getByLabel("Destination endpoint"))
        .hasValue("https://events.eu1.segmentapis.com");
    assertThat(page.locator("#endpoint-hint"))
        .containsText("Segment does not forward traffic across regions");
    var mask = writeKey.substring(0, 4) + "…" + writeKey.substring(writeKey.length() - 4);
    assertThat(page.getByLabel("Write Key")).isEmpty();
    assertThat(page.locator("#configuration")).containsText(mask);
    assertThat(page.content()).doesNotContain(writeKey);
  }

  private void switchToSandbox() {
    page.getByLabel("Destination endpoint")
        .selectOption(new SelectOption().setLabel("Operator-allowed (" + sandboxUrl() + ")"));
    button("Save configuration").click();
    assertThat(page.getByRole(AriaRole.STATUS)).containsText("Configuration saved");
    assertThat(page.locator("h1")).containsText("Operator-allowed");
  }

  private void renameResponseSubmittedAndDisableFlowViewed() {
    page.getByRole(AriaRole.CHECKBOX, new Page.GetByRoleOptions().setName("Flow Viewed")).uncheck();
    page.getByRole(AriaRole.TEXTBOX, new Page.GetByRoleOptions().setName("Response Submitted name in Segment")).fill("survey_responded");
    button("Save events").click();
    assertThat(page.getByRole(AriaRole.STATUS)).containsText("Events saved");
    assertThat(page.getByRole(AriaRole.CHECKBOX, new Page.GetByRoleOptions().setName("Flow Viewed")))
        .not().isChecked();
    assertThat(page.getByRole(AriaRole.TEXTBOX, new Page.GetByRoleOptions().setName("Response Submitted name in Segment"))).hasValue("survey_responded");
  }

  private Locator logRows() {
    return page.locator("table tbody tr");
  }

  private static List<String> eventNames(String writeKey) {
    return sandbox().events(writeKey).stream().map(e -> e.get("event").asString()).toList();
  }

  private static Object batch(String id1, String type1, String id2, String type2) {
    var first = event(id1);
    first.put("type", type1);
    var second = event(id2);
    second.put("type", type2);
    return Api.map("batch", List.of(first, second));
  }

}
