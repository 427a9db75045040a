package io.segmentrelay.web;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import io.segmentrelay.support.Api;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Custom events in the Events section, and the "Segment as a source" page, through the browser. */
class SegmentSourceUiTest extends BrowserTest {

  private static Map<String, Object> custom(String id, String name) {
    return Api.map("id", id, "type", "custom", "name", name, "timestamp", "2026-05-13T10:14:00Z",
        "anonymousId", "anon_ui", "properties", Map.of("score", 9));
  }

  @Test
  void an_admin_allows_and_renames_a_custom_event_next_to_the_lifecycle_events() {
    var tenant = newTenant();
    var writeKey = newWriteKey();
    var id = newIntegration(tenant, writeKey);
    signIn(tenant.adminToken());
    page.navigate("/integrations/" + id);

    var events = page.locator("#events");
    assertThat(events).containsText("Response Submitted");
    assertThat(page.getByLabel("Forward none")).isChecked();
    // An allow-list with no names is refused, naming the problem, and nothing changes.
    page.getByLabel("Forward only the events listed below").check();
    button("Save events").click();
    assertThat(page.locator("#custom-events-error")).containsText("at least one");
    assertThat(api.get("/api/v1/integrations/" + id, tenant.adminToken()).json().at("/customEvents/mode").asString())
        .isEqualTo("none");

    page.getByLabel("Forward only the events listed below").check();
    page.getByLabel("Custom event 1 name", new Page.GetByLabelOptions().setExact(true)).fill("NPS Scored");
    page.getByLabel("Custom event 1 name in Segment").fill("nps_scored");
    button("Save events").click();
    assertThat(page.getByRole(AriaRole.STATUS)).containsText("Events saved");
    assertThat(page.getByLabel("Forward only the events listed below")).isChecked();
    assertThat(page.getByLabel("Custom event 1 name", new Page.GetByLabelOptions().setExact(true))).hasValue("NPS Scored");
    assertThat(page.getByLabel("Custom event 1 name in Segment")).hasValue("nps_scored");

    postEvents(tenant, Api.map("batch", List.of(custom("ui_1", "NPS Scored"), custom("ui_2", "Plan Upgraded"))));
    dispatcher.runDue();
    var names = sandbox().events(writeKey).stream().map(e -> e.get("event").asString()).toList();
    assertThat(names).containsExactly("nps_scored");
  }

  @Test
  void an_admin_creates_and_rotates_the_inbound_secret_and_sees_what_segment_sent() {
    var tenant = newTenant();
    var id = newIntegration(tenant, newWriteKey());
    signIn(tenant.adminToken());
    page.navigate("/integrations/" + id);
    link("Web: Segment as a source").click();

    assertThat(heading("Segment as a source")).isVisible();
    assertThat(page.locator("#inbound-signed-url")).containsText("/v1/segment/inbound?appId=" + tenant.appId());
    assertThat(page.locator("#secret-state")).containsText("No secret yet");
    assertThat(page.locator("#inbound-last")).containsText("None yet");

    button("Create secret").click();
    var secret = page.locator("#inbound-secret").textContent().strip();
    assertThat(secret).startsWith("srs_");
    assertThat(page.getByRole(AriaRole.STATUS).first()).containsText("not shown again");

    var identify = Api.map("type", "identify", "messageId", "ui_m1", "anonymousId", "anon_ui", "userId", "u_ui");
    assertThat(api.post("/v1/segment/inbound", secret, identify).status()).isEqualTo(200);
    assertThat(api.post("/v1/segment/inbound", secret,
        Api.map("type", "screen", "messageId", "ui_m2", "userId", "u_ui")).status()).isEqualTo(200);
    page.navigate("/apps/" + tenant.appId() + "/source");
    assertThat(page.locator("#inbound-received")).hasText("2");
    assertThat(page.locator("#inbound-applied")).hasText("1");
    assertThat(page.locator("#inbound-ignored")).hasText("1");
    assertThat(page.locator("#inbound-last")).containsText("screen");
    assertThat(page.locator("#secret-state")).containsText("A secret is set");
    assertThat(page.content()).doesNotContain(secret);
    page.screenshot(new Page.ScreenshotOptions().setPath(Paths.get("target", "segment-source.png")).setFullPage(true));

    button("Rotate secret").click();
    var rotated = page.locator("#inbound-secret").textContent().strip();
    assertThat(rotated).startsWith("srs_").isNotEqualTo(secret);
    assertThat(api.post("/v1/segment/inbound", secret, identify).status()).isEqualTo(401);

    // Another organization's app is not found, not shown.
    var other = newTenant();
    var response = page.navigate("/apps/" + other.appId() + "/source");
    assertThat(response.status()).isEqualTo(404);
  }
}
