package io.segmentrelay.web;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.options.AriaRole;
import io.segmentrelay.support.RelayTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/**
 * Base of the web UI tests: the whole relay on a random port (see {@link RelayTest}), driven by
 * Debian's Chromium through Playwright. One browser per test class, a fresh context (cookies,
 * session) per test, at the 1280×800 viewport the docs' screenshots use.
 */
abstract class BrowserTest extends RelayTest {

  static final Path CHROMIUM = Paths.get("/usr/bin/chromium");
  static final Path SCREENSHOTS =
      Paths.get(System.getProperty("relay.screenshots.dir", "target/screenshots"));

  private static Playwright playwright;
  private static Browser browser;

  protected BrowserContext context;
  protected Page page;

  @BeforeAll
  static void launchBrowser() {
    playwright =
        Playwright.create(
            new Playwright.CreateOptions().setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
    browser =
        playwright
            .chromium()
            .launch(
                new BrowserType.LaunchOptions()
                    .setExecutablePath(CHROMIUM)
                    .setHeadless(true)
                    .setArgs(
                        List.of(
                            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                            "--disable-background-networking", "--disable-component-update",
                            "--disable-sync")));
  }

  @AfterAll
  static void closeBrowser() {
    if (browser != null) {
      browser.close();
    }
    if (playwright != null) {
      playwright.close();
    }
  }

  @BeforeEach
  void openPage() {
    context =
        browser.newContext(
            new Browser.NewContextOptions().setViewportSize(1280, 800).setBaseURL(baseUrl()));
    context.setDefaultTimeout(10_000);
    page = context.newPage();
  }

  @AfterEach
  void closePage() {
    context.close();
  }

  protected String baseUrl() {
    return "http://localhost:" + port;
  }

  /** Signs in on the sign-in page with the organization's admin token. */
  protected void signIn(String adminToken) {
    page.navigate("/login");
    page.getByLabel("Admin token").fill(adminToken);
    page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign in")).click();
    assertThat(heading("Integrations")).isVisible();
  }

  protected Locator button(String name) {
    return page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName(name).setExact(true));
  }

  protected Locator heading(String name) {
    return page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName(name).setExact(true));
  }

  protected Locator link(String name) {
    return page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName(name).setExact(true));
  }

  /**
   * Saves a screenshot of the viewport (1280×800, so every picture has the same size) to {@code
   * relay.screenshots.dir}: docs/screenshots under {@code -Pscreenshots}, else target/screenshots.
   */
  protected void screenshot(String name) {
    try {
      Files.createDirectories(SCREENSHOTS);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    page.screenshot(new Page.ScreenshotOptions().setPath(SCREENSHOTS.resolve(name)));
  }
}
