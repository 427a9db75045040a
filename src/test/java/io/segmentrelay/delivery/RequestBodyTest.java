package io.segmentrelay.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The body of a request to Segment: the frozen calls, each with this attempt's sentAt. */
class RequestBodyTest {

  private static final String SENT_AT = "2026-05-13T10:14:00.123Z";

  @Test
  void each_frozen_call_gets_the_attempts_sent_at_and_so_does_the_batch() {
    var body = DeliveryWorker.body(
        List.of(utf8("{\"type\":\"track\",\"event\":\"A\"}"),
            utf8("{\"event\":\"Réponse ✓\",\"properties\":{\"n\":{}}}")),
        SENT_AT);
    assertThat(new String(body, StandardCharsets.UTF_8)).isEqualTo(
        "{\"batch\":[{\"type\":\"track\",\"event\":\"A\",\"sentAt\":\"" + SENT_AT + "\"},"
            + "{\"event\":\"Réponse ✓\",\"properties\":{\"n\":{}},\"sentAt\":\"" + SENT_AT + "\"}],"
            + "\"sentAt\":\"" + SENT_AT + "\"}");
  }

  @Test
  void a_single_call_and_no_call() {
    assertThat(new String(DeliveryWorker.body(List.of(utf8("{\"a\":1}")), SENT_AT),
            StandardCharsets.UTF_8))
        .isEqualTo("{\"batch\":[{\"a\":1,\"sentAt\":\"" + SENT_AT + "\"}],\"sentAt\":\"" + SENT_AT
            + "\"}");
    assertThat(new String(DeliveryWorker.body(List.of(), SENT_AT), StandardCharsets.UTF_8))
        .isEqualTo("{\"batch\":[],\"sentAt\":\"" + SENT_AT + "\"}");
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
