package io.segmentrelay.sandbox;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What the sandbox wants the HTTP layer to answer.
 *
 * <p>The HTTP layer first waits {@code latency} (parking the handling thread), then either closes
 * the connection without writing anything ({@code drop}) or writes {@code status}, {@code headers}
 * and the JSON {@code body}.
 *
 * @param status HTTP status code (meaningless when {@code drop} is set)
 * @param headers extra response headers, e.g. {@code Retry-After}; Content-Type is always JSON
 * @param body the JSON response body
 * @param drop close the connection without any response
 * @param latency how long to wait before answering or dropping; never null
 */
public record SandboxResponse(
    int status, Map<String, String> headers, String body, boolean drop, Duration latency) {

  public SandboxResponse {
    headers = Map.copyOf(headers);
    Objects.requireNonNull(body, "body");
    Objects.requireNonNull(latency, "latency");
  }

  /** A JSON answer with no extra headers and no delay. */
  public static SandboxResponse json(int status, String body) {
    return new SandboxResponse(status, Map.of(), body, false, Duration.ZERO);
  }

  /** A connection drop: nothing is written. */
  public static SandboxResponse dropped() {
    return new SandboxResponse(0, Map.of(), "", true, Duration.ZERO);
  }

  /** The same answer with one more header. */
  public SandboxResponse withHeader(String name, String value) {
    Map<String, String> more = new LinkedHashMap<>(headers);
    more.put(name, value);
    return new SandboxResponse(status, more, body, drop, latency);
  }

  /** The same answer, given after {@code delay}. */
  public SandboxResponse withLatency(Duration delay) {
    return new SandboxResponse(status, headers, body, drop, delay);
  }
}
