package io.segmentrelay.web;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.options.FormData;
import com.microsoft.playwright.options.RequestOptions;
import org.junit.jupiter.api.Test;

/** Who may see and change what in the web UI: sign-in, organization scoping, CSRF, validation. */
class WebAccessTest extends BrowserTest {

  @Test
  void another_organization_gets_a_404_for_this_integrations_pages() {
    var owner = newTenant();
    var id = newIntegration(owner, newWriteKey());
    postEvents(owner, event("own_1"));
    dispatcher.runDue();
    var deliveryId = deliveries(owner, id).field("/deliveries/0/id");
    signIn(newTenant().adminToken());

    for (var path : new String[] {"", "/deliveries", "/deliveries/" + deliveryId}) {
      var response = page.navigate("/integrations/" + id + path);
      assertThat(response.status()).isEqualTo(404);
      assertThat(heading("Page not found")).isVisible();
    }
    assertThat(page.content()).doesNotContain(owner.organizationId());
  }

  @Test
  void a_form_post_without_the_csrf_token_is_rejected() {
    var tenant = newTenant();
    var id = newIntegration(tenant, newWriteKey());
    signIn(tenant.adminToken());

    var response =
        page.request()
            .post("/integrations/" + id + "/pause",
                RequestOptions.create().setForm(FormData.create().set("confirm", "yes")));

    assertThat(response.status()).isEqualTo(403);
    var integration = api.get("/api/v1/integrations/" + id, tenant.adminToken());
    assertThat(integration.field("/status")).isEqualTo("active");
  }

  @Test
  void signing_in_needs_a_valid_admin_token_and_signing_out_ends_the_session() {
    var tenant = newTenant();
    page.navigate("/integrations");
    assertThat(page).hasURL(baseUrl() + "/login");

    page.getByLabel("Admin token").fill("not-a-token");
    button("Sign in").click();
    assertThat(page.getByRole(com.microsoft.playwright.options.AriaRole.ALERT))
        .containsText("That admin token was not recognised");
    assertThat(page.content()).doesNotContain("not-a-token");

    signIn(tenant.adminToken());
    assertThat(page.content()).doesNotContain(tenant.adminToken());
    button("Sign out").click();
    assertThat(page.getByRole(com.microsoft.playwright.options.AriaRole.STATUS))
        .containsText("You have signed out");
    page.navigate("/integrations");
    assertThat(page).hasURL(baseUrl() + "/login");
  }

  @Test
  void invalid_fields_are_shown_next_to_the_field_and_nothing_is_saved() {
    var tenant = newTenant();
    signIn(tenant.adminToken());
    page.navigate("/integrations/new/segment");
    page.getByLabel("Write Key").fill("has a space");
    button("Save configuration").click();

    assertThat(page.locator("#writeKey-error")).hasText("Write Key must not contain whitespace.");
    assertThat(page.getByLabel("Write Key")).hasAttribute("aria-invalid", "true");
    assertThat(page.getByLabel("Write Key")).isEmpty();
    var list = api.get("/api/v1/integrations", tenant.adminToken());
    assertThat(list.json().get("integrations").size()).isZero();

    page.getByLabel("Write Key").fill(newWriteKey());
    page.getByLabel("Name").fill(" ");
    button("Save configuration").click();
    assertThat(page.locator("#name-error")).hasText("Name is required: 1–200 characters.");
  }
}
