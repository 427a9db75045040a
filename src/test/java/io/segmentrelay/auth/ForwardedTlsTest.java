package io.segmentrelay.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.segmentrelay.support.RawHttp;
import io.segmentrelay.support.RelayTest;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** Behind a TLS-terminating proxy, configured as the docs say, the session cookie is Secure. */
class ForwardedTlsTest extends RelayTest {

  @DynamicPropertySource
  static void behindProxy(DynamicPropertyRegistry registry) {
    registry.add("server.forward-headers-strategy", () -> "native");
  }

  @Test
  void the_session_cookie_is_secure_when_the_proxy_says_the_request_came_over_tls() {
    var overTls = RawHttp.get(port, "/login",
        "Host: relay.example\r\nX-Forwarded-Proto: https\r\nX-Forwarded-For: 203.0.113.9\r\n");
    var plain = RawHttp.get(port, "/login", "Host: relay.example\r\n");

    assertThat(cookie(overTls)).contains("Secure").contains("SameSite=Lax");
    assertThat(cookie(plain)).doesNotContain("Secure");
  }

  @Test
  void redirects_stay_relative_behind_the_proxy() {
    var head = RawHttp.get(port, "/integrations",
        "Host: evil.example\r\nX-Forwarded-Proto: https\r\nX-Forwarded-Host: evil.example\r\n");

    assertThat(head).contains("Location: /login").doesNotContain("evil.example");
  }

  private static String cookie(String head) {
    return head.lines().filter(l -> l.toLowerCase().startsWith("set-cookie:")).findFirst()
        .orElseThrow();
  }
}
