package io.segmentrelay.bench;

import java.nio.charset.StandardCharsets;

/** The survey events the benchmark sends to the relay's ingest API. */
final class Payloads {

  /** Distinct people the events are spread over (identity stitching sees repeats). */
  static final int PEOPLE = 5_000;

  private static final String TIMESTAMP = "2026-05-13T10:14:00.000Z";

  private Payloads() {}

  /** One {@code response_submitted} event; its id is {@code <runId>-<i>}. */
  static void event(StringBuilder out, String runId, int i) {
    int person = i % PEOPLE;
    out.append("{\"id\":\"").append(runId).append('-').append(i)
        .append("\",\"type\":\"response_submitted\",\"timestamp\":\"").append(TIMESTAMP)
        .append("\",\"surveyId\":\"srv_").append(i % 50)
        .append("\",\"responseId\":\"resp_").append(runId).append('-').append(i)
        .append("\",\"userId\":\"user_").append(person)
        .append("\",\"anonymousId\":\"anon_").append(person)
        .append("\",\"traits\":{\"email\":\"user").append(person)
        .append("@example.com\",\"plan\":\"pro\"}")
        .append(",\"page\":{\"path\":\"/checkout\",\"referrer\":\"https://example.com/pricing\"}")
        .append(",\"locale\":\"en-US\"}");
  }

  /** {@code {"batch":[...]}} with events {@code from} (inclusive) to {@code to} (exclusive). */
  static byte[] batch(String runId, int from, int to) {
    var out = new StringBuilder((to - from) * 360 + 16).append("{\"batch\":[");
    for (int i = from; i < to; i++) {
      if (i > from) {
        out.append(',');
      }
      event(out, runId, i);
    }
    return out.append("]}").toString().getBytes(StandardCharsets.UTF_8);
  }
}
