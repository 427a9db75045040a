package io.segmentrelay.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.segmentrelay.support.RawHttp;
import io.segmentrelay.support.RelayTest;
import io.segmentrelay.support.TestDatabases;
import java.io.IOException;
import java.net.CookieManager;
import java.net.InetAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;

/** Wrong tokens are throttled, and the small hardening: cookies, redirects, /error, the data dir. */
class HardeningTest extends RelayTest {

  @Value("${spring.datasource.url}") String datasourceUrl;

  @Test
  void wrong_tokens_on_the_api_are_throttled_per_address_and_others_are_not_affected()
      throws Exception {
    var tenant = newTenant();
    for (int i = 0; i < TokenThrottle.MAX_FAILURES; i++) {
      assertThat(api.get("/api/v1/integrations", "sra_wrong_" + i).status()).isEqualTo(401);
    }

    var blocked = send(client(null), "/api/v1/integrations", "sra_wrong_again");
    var rightTokenHere = send(client(null), "/api/v1/integrations", tenant.adminToken());
    var rightTokenElsewhere =
        send(client(InetAddress.getByName("127.0.0.2")), "/api/v1/integrations", tenant.adminToken());

    assertThat(blocked.statusCode()).isEqualTo(429);
    assertThat(Long.parseLong(blocked.headers().firstValue("Retry-After").orElseThrow()))
        .isBetween(1L, 60L);
    assertThat(blocked.body()).contains("Authorization");
    assertThat(rightTokenHere.statusCode()).isEqualTo(429);
    assertThat(rightTokenElsewhere.statusCode()).isEqualTo(200);
    assertThat(api.post("/v1/events", tenant.ingestKey(), event("evt_1")).status()).isEqualTo(429);

    clock.advance(TokenThrottle.WINDOW);
    assertThat(api.get("/api/v1/integrations", tenant.adminToken()).status()).isEqualTo(200);
  }

  @Test
  void wrong_tokens_at_the_sign_in_form_are_throttled_too() throws Exception {
    var tenant = newTenant();
    var browser = HttpClient.newBuilder().cookieHandler(new CookieManager()).build();
    for (int i = 0; i < TokenThrottle.MAX_FAILURES; i++) {
      var failed = signIn(browser, "sra_wrong_" + i);
      assertThat(failed.statusCode()).isEqualTo(302);
      assertThat(failed.headers().firstValue("Location")).hasValue("/login?error");
    }

    var blocked = signIn(browser, tenant.adminToken());

    assertThat(blocked.statusCode()).isEqualTo(429);
    assertThat(blocked.headers().firstValue("Retry-After")).isPresent();
    clock.advance(TokenThrottle.WINDOW);
    assertThat(signIn(browser, tenant.adminToken()).headers().firstValue("Location"))
        .hasValue("/integrations");
  }

  @Test
  void the_session_cookie_is_same_site_lax_and_http_only() {
    var head = RawHttp.get(port, "/login", "Host: localhost\r\n");

    var cookie = head.lines().filter(l -> l.toLowerCase().startsWith("set-cookie:")).findFirst();
    assertThat(cookie).hasValueSatisfying(c -> assertThat(c)
        .contains("JSESSIONID").contains("SameSite=Lax").contains("HttpOnly")
        .doesNotContain("Secure"));
  }

  @Test
  void redirects_never_carry_the_host_header_a_client_sent() {
    var head = RawHttp.get(port, "/integrations", "Host: evil.example\r\n");

    assertThat(head).startsWith("HTTP/1.1 302");
    var location = head.lines().filter(l -> l.startsWith("Location:")).findFirst().orElseThrow();
    assertThat(location).doesNotContain("evil.example").isEqualTo("Location: /login");
  }

  @Test
  void error_asked_for_directly_is_a_404_not_a_500() {
    assertThat(api.get("/error", null).status()).isEqualTo(404);
    assertThat(api.post("/error", null, "{}").status()).isEqualTo(404);
  }

  @Test
  void the_embedded_database_file_and_its_dir_are_owner_only() throws IOException {
    if (TestDatabases.postgres()) {
      return;
    }
    var base = Path.of(datasourceUrl.substring("jdbc:h2:file:".length()).split(";")[0]);
    var file = base.resolveSibling(base.getFileName() + ".mv.db");

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())))
        .isEqualTo("rwx------");
  }

  private HttpResponse<String> signIn(HttpClient browser, String token) throws Exception {
    var page = browser.send(HttpRequest.newBuilder(uri("/login")).build(),
        HttpResponse.BodyHandlers.ofString());
    var csrf = Pattern.compile("name=\"_csrf\"\\s+value=\"([^\"]+)\"|value=\"([^\"]+)\"\\s+name=\"_csrf\"")
        .matcher(page.body());
    assertThat(csrf.find()).as("the sign-in form has a CSRF token").isTrue();
    var form = "_csrf=" + (csrf.group(1) != null ? csrf.group(1) : csrf.group(2))
        + "&token=" + URLEncoder.encode(token, StandardCharsets.UTF_8);
    return browser.send(HttpRequest.newBuilder(uri("/login"))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(form)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpClient client(InetAddress local) {
    var builder = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5));
    if (local != null) {
      builder.localAddress(local);
    }
    return builder.build();
  }

  private HttpResponse<String> send(HttpClient client, String path, String token)
      throws Exception {
    return client.send(HttpRequest.newBuilder(uri(path))
        .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }
}
