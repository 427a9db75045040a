package io.segmentrelay.sandbox;

import static io.segmentrelay.sandbox.SandboxHttp.basic;
import static io.segmentrelay.sandbox.SandboxHttp.batch;
import static io.segmentrelay.sandbox.SandboxHttp.track;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/** The receiver called directly, without HTTP. */
class SandboxReceiverTest {

  private final SandboxReceiver receiver = SandboxReceiver.withWriteKeys("key");

  @Test
  void takes_the_write_key_from_basic_auth_even_with_a_password_or_lowercase_scheme() {
    String withPassword = "Basic " + encode("key:secret");
    String lowercase = "basic " + encode("key:");

    assertThat(handle(withPassword).status()).isEqualTo(200);
    assertThat(handle(lowercase).status()).isEqualTo(200);
  }

  @Test
  void answers_401_to_authorization_that_is_not_basic_auth_even_with_a_key_in_the_body() {
    byte[] body =
        ("{\"batch\":[" + track("m1") + "],\"writeKey\":\"key\"}").getBytes(StandardCharsets.UTF_8);

    assertThat(receiver.handle("batch", "Bearer key", body).status()).isEqualTo(401);
    assertThat(receiver.handle("batch", "Basic !!!", body).status()).isEqualTo(401);
    assertThat(receiver.handle("batch", null, body).status()).isEqualTo(200);
  }

  @Test
  void counts_every_request_when_many_arrive_at_once() {
    try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < 200; i++) {
        String messageId = "m" + (i % 100);
        threads.submit(
            () -> receiver.handle("batch", basic("key"), bytes(batch(track(messageId)))));
      }
    }

    assertThat(receiver.stats("key")).isEqualTo(new SandboxStats(200, 200, 100, 0));
    assertThat(receiver.totalEvents()).isEqualTo(200);
  }

  @Test
  void keeps_only_the_last_ten_thousand_request_bodies_of_a_key() {
    for (int i = 0; i < KeyRecording.MAX_BODIES + 5; i++) {
      receiver.handle("batch", basic("key"), bytes(batch(track("m" + i))));
    }

    assertThat(receiver.requestBodies("key"))
        .hasSize(KeyRecording.MAX_BODIES)
        .first()
        .asString()
        .contains("\"m5\"");
    assertThat(receiver.events("key")).hasSize(KeyRecording.MAX_BODIES + 5);
  }

  @Test
  void hands_latency_and_drop_to_the_http_layer() {
    receiver.addFault(FaultRule.dropConnection().withLatency(Duration.ofSeconds(2)));

    SandboxResponse response = handle(basic("key"));

    assertThat(response.drop()).isTrue();
    assertThat(response.latency()).hasSeconds(2);
  }

  private SandboxResponse handle(String authorization) {
    return receiver.handle("batch", authorization, bytes(batch(track("m1"))));
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static String encode(String credentials) {
    return Base64.getEncoder().encodeToString(bytes(credentials));
  }
}
