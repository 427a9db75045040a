package io.segmentrelay.segment;

import static org.assertj.core.api.Assertions.assertThat;

import io.segmentrelay.system.RelayProperties;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.mock.env.MockEnvironment;

class SegmentEndpointsTest {

  private static SegmentEndpoints endpoints(boolean sandbox, MockEnvironment env, String... extra) {
    var properties = new RelayProperties(Path.of("data"), null, null, null, "dev",
        new RelayProperties.Segment(List.of(extra)), null, null, null);
    return new SegmentEndpoints(properties, sandbox, env);
  }

  @Test
  void the_sandbox_resolves_to_the_port_the_relay_listens_on_now() {
    var env = new MockEnvironment().withProperty("server.port", "8080");
    var endpoints = endpoints(true, env);
    assertThat(endpoints.baseUrl("sandbox:")).isEqualTo("http://127.0.0.1:8080/sandbox");

    env.setProperty("local.server.port", "43117");
    assertThat(endpoints.baseUrl("sandbox:")).isEqualTo("http://127.0.0.1:43117/sandbox");

    env.setProperty("server.address", "10.1.2.3");
    env.setProperty("server.servlet.context-path", "/relay/");
    assertThat(endpoints.baseUrl("sandbox:")).isEqualTo("http://10.1.2.3:43117/relay/sandbox");
    assertThat(endpoints.baseUrl("https://api.segment.io")).isEqualTo("https://api.segment.io");
  }

  @Test
  void the_sandbox_is_found_by_its_name_or_by_a_local_url_with_any_port() {
    var endpoints = endpoints(true, new MockEnvironment());
    for (var name : List.of("sandbox:", "sandbox", "http://localhost:8080/sandbox",
        "http://127.0.0.1:9999/sandbox/", "http://localhost/sandbox")) {
      assertThat(endpoints.find(name)).as(name).get()
          .extracting(SegmentEndpoints.Endpoint::url).isEqualTo("sandbox:");
    }
    assertThat(endpoints.find("http://example.com:8080/sandbox")).isEmpty();
    assertThat(endpoints.find("http://localhost:8080/other")).isEmpty();
  }

  @Test
  void an_operator_allowed_url_wins_over_the_sandbox_reading() {
    var endpoints = endpoints(true, new MockEnvironment(), "http://localhost:9090/sandbox");
    assertThat(endpoints.find("http://localhost:9090/sandbox")).get()
        .extracting(SegmentEndpoints.Endpoint::url).isEqualTo("http://localhost:9090/sandbox");
  }

  @Test
  void a_turned_off_sandbox_is_neither_offered_nor_resolved() {
    var endpoints = endpoints(false, new MockEnvironment());
    assertThat(endpoints.all()).extracting(SegmentEndpoints.Endpoint::url)
        .doesNotContain("sandbox:");
    assertThat(endpoints.find("sandbox:")).isEmpty();
    assertThat(endpoints.find("http://localhost:8080/sandbox")).isEmpty();
    assertThat(endpoints.baseUrl("sandbox:")).isNull();
  }
}
