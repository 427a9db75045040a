package io.segmentrelay.sandbox;

import static io.segmentrelay.sandbox.SandboxHttp.batch;
import static io.segmentrelay.sandbox.SandboxHttp.track;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Clock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.http.converter.autoconfigure.HttpMessageConvertersAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.tomcat.autoconfigure.servlet.TomcatServletWebServerAutoConfiguration;
import org.springframework.boot.webmvc.autoconfigure.DispatcherServletAutoConfiguration;
import org.springframework.boot.webmvc.autoconfigure.WebMvcAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

/**
 * The sandbox served by Spring MVC on Tomcat under {@code /sandbox}, as inside the relay (without
 * the relay's other features, which it does not need).
 */
@SpringBootTest(
    classes = SandboxControllerTest.WebApp.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = "relay.sandbox.write-keys=web-key, second-key")
class SandboxControllerTest {

  @LocalServerPort private int port;

  @Autowired private SandboxReceiver receiver;

  private SandboxHttp http;

  @BeforeEach
  void client() {
    http = new SandboxHttp("http://127.0.0.1:" + port + "/sandbox");
  }

  @AfterEach
  void clean() {
    receiver.clearFaults();
    receiver.reset();
  }

  @Test
  void accepts_and_records_a_batch_under_the_sandbox_path() {
    var response = http.post("/v1/batch", "web-key", batch(track("m1")));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("{\"success\":true}");
    assertThat(receiver.events("web-key").toString()).contains("\"messageId\":\"m1\"");
    assertThat(receiver.writeKeys()).contains("second-key", "web-key");
  }

  @Test
  void answers_malformed_json_with_the_sandbox_400_not_the_framework_one() {
    var response = http.post("/v1/import", "web-key", "{\"batch\":");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).contains("malformed JSON");
  }

  @Test
  void reads_a_json_body_sent_as_a_form_like_curl_does_by_default() throws IOException {
    var response =
        http.postOrThrow(
            "/v1/batch", "web-key", batch(track("m1")), "application/x-www-form-urlencoded");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(receiver.events("web-key")).hasSize(1);
  }

  @Test
  void answers_401_to_an_unknown_write_key() {
    assertThat(http.post("/v1/track", "nope", track("m1")).statusCode()).isEqualTo(401);
  }

  @Test
  void sends_retry_after_with_a_429_fault() {
    receiver.addFault(FaultRule.status(429).withRetryAfter("7"));

    var response = http.post("/v1/batch", "web-key", batch(track("m1")));

    assertThat(response.statusCode()).isEqualTo(429);
    assertThat(response.headers().firstValue("Retry-After")).hasValue("7");
  }

  @Test
  void drops_the_connection_on_tomcat() {
    receiver.addFault(FaultRule.dropConnection());

    assertThatThrownBy(() -> http.postOrThrow("/v1/batch", "web-key", batch(track("m1"))))
        .isInstanceOf(IOException.class);
    assertThat(http.post("/v1/batch", "web-key", batch(track("m1"))).statusCode()).isEqualTo(200);
  }

  @Test
  void is_left_out_when_disabled() {
    new ApplicationContextRunner()
        .withUserConfiguration(SandboxConfiguration.class, ClockConfig.class)
        .withPropertyValues("relay.sandbox.enabled=false")
        .run(context -> assertThat(context).doesNotHaveBean(SandboxReceiver.class));
  }

  @Test
  void is_off_by_default_on_postgresql_and_on_when_asked_for() {
    var runner = new ApplicationContextRunner()
        .withUserConfiguration(SandboxConfiguration.class, ClockConfig.class)
        .withPropertyValues("spring.datasource.url=jdbc:postgresql://db.example:5432/relay");
    runner.run(context -> assertThat(context).doesNotHaveBean(SandboxReceiver.class));
    runner.withPropertyValues("relay.sandbox.enabled=true")
        .run(context -> assertThat(context).hasSingleBean(SandboxReceiver.class));
  }

  @Test
  void is_on_by_default_on_the_embedded_h2() {
    new ApplicationContextRunner()
        .withUserConfiguration(SandboxConfiguration.class, ClockConfig.class)
        .withPropertyValues("spring.datasource.url=jdbc:h2:file:./data/relay;MODE=PostgreSQL")
        .run(context -> assertThat(context).hasSingleBean(SandboxReceiver.class));
  }

  @Test
  void is_on_by_default_with_the_demo_write_key() {
    new ApplicationContextRunner()
        .withUserConfiguration(SandboxConfiguration.class, ClockConfig.class)
        .run(
            context ->
                assertThat(context.getBean(SandboxReceiver.class).writeKeys())
                    .containsExactly("demo-write-key"));
  }

  @SpringBootConfiguration(proxyBeanMethods = false)
  @ImportAutoConfiguration({
    TomcatServletWebServerAutoConfiguration.class,
    DispatcherServletAutoConfiguration.class,
    WebMvcAutoConfiguration.class,
    HttpMessageConvertersAutoConfiguration.class,
    JacksonAutoConfiguration.class
  })
  @Import({SandboxConfiguration.class, SandboxController.class, ClockConfig.class})
  static class WebApp {}

  static class ClockConfig {

    @Bean
    Clock clock() {
      return Clock.systemUTC();
    }
  }
}
