package io.segmentrelay.web;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.options.AriaRole;
import io.segmentrelay.tenant.TenantStore;
import org.junit.jupiter.api.Test;

/** The "Apps and keys" page in Chromium: rotate an ingest key, rename and delete an app, tokens. */
class AppsPageTest extends BrowserTest {

  @Test
  void an_admin_rotates_an_ingest_key_renames_and_deletes_an_app() {
    var tenant = newTenant();
    signIn(tenant.adminToken());
    link("Apps").click();
    assertThat(heading("Apps and keys")).isVisible();
    var app = appSection("Web");
    assertThat(app.getByText(TenantStore.mask(tenant.ingestKey()))).isVisible();
    assertThat(app.getByRole(AriaRole.LINK, new Locator.GetByRoleOptions()
        .setName("Segment as a source"))).hasAttribute("href", "/apps/" + tenant.appId() + "/source");

    app.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Create ingest key"))
        .click();
    var newKey = page.locator("#issued-token").textContent().trim();
    assertThat(newKey).startsWith("sri_").isNotEqualTo(tenant.ingestKey());
    assertThat(api.post("/v1/events", newKey, event("evt_1")).status()).isEqualTo(202);

    page.reload();
    assertThat(page.locator("#issued-token")).hasCount(0);
    app = appSection("Web");
    assertThat(app.locator("tbody tr")).hasCount(2);
    button("Revoke " + TenantStore.mask(tenant.ingestKey())).click();
    assertThat(page.getByRole(AriaRole.STATUS).first()).containsText("Revoked");
    assertThat(postEvents(tenant, event("evt_2")).status()).isEqualTo(401);
    assertThat(api.post("/v1/events", newKey, event("evt_3")).status()).isEqualTo(202);
    assertThat(appSection("Web").locator("tbody tr")).hasCount(1);

    appSection("Web").getByLabel("Name").fill("Mobile");
    appSection("Web").getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Rename"))
        .click();
    assertThat(heading("Mobile")).isVisible();

    page.getByLabel("Name").first().fill("Kiosk");
    button("Create app").click();
    assertThat(page.locator("#issued-token")).containsText("sri_");
    assertThat(page.getByText("Ingest key of Kiosk")).isVisible();
    assertThat(heading("Kiosk")).isVisible();

    appSection("Mobile").getByText("Delete…").click();
    button("Delete app").click();
    assertThat(page.getByRole(AriaRole.STATUS).first()).containsText("App deleted");
    assertThat(heading("Mobile")).hasCount(0);
    assertThat(api.post("/v1/events", newKey, event("evt_4")).status()).isEqualTo(401);
  }

  @Test
  void revoking_the_admin_token_a_session_signed_in_with_ends_that_session() {
    var tenant = newTenant();
    signIn(tenant.adminToken());
    page.navigate("/apps");
    button("Create admin token").click();
    var second = page.locator("#issued-token").textContent().trim();
    assertThat(second).startsWith("sra_");

    button("Revoke " + TenantStore.mask(tenant.adminToken())).click();

    assertThat(page).hasURL(java.util.regex.Pattern.compile(".*/login.*"));
    page.navigate("/apps");
    assertThat(page).hasURL(java.util.regex.Pattern.compile(".*/login.*"));
    page.getByLabel("Admin token").fill(second);
    button("Sign in").click();
    assertThat(heading("Apps and keys")).isVisible(); // back where the session ended
    assertThat(page.getByText(TenantStore.mask(tenant.adminToken()))).hasCount(0);
    button("Revoke " + TenantStore.mask(second)).click();
    assertThat(page.getByRole(AriaRole.ALERT)).containsText("last admin token");
  }

  private Locator appSection(String name) {
    return page.getByRole(AriaRole.REGION, new com.microsoft.playwright.Page.GetByRoleOptions()
        .setName(name).setExact(true));
  }
}
