package io.segmentrelay.sandbox;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Serves the sandbox inside the relay under {@code /sandbox}, so that {@code
 * http://localhost:8080/sandbox} can be used as a Segment endpoint. Bodies are read as raw bytes so
 * that malformed JSON is answered by the sandbox the way Segment answers it.
 */
@RestController
@RequestMapping("/sandbox")
@ConditionalOnProperty(name = "relay.sandbox.enabled", havingValue = "true", matchIfMissing = true)
class SandboxController {

  private static final String DROP_UNSUPPORTED =
      "{\"success\":false,\"message\":\"this servlet container cannot drop connections; use the"
          + " standalone sandbox\"}";

  private final SandboxEndpoints endpoints;

  SandboxController(SandboxReceiver receiver) {
    this.endpoints = new SandboxEndpoints(receiver);
  }

  @PostMapping({"/v1/{kind}", "/v1/{kind}/", "/{kind:b}", "/{kind:b}/"})
  ResponseEntity<String> ingest(
      @PathVariable String kind,
      @RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false) String authorization,
      @RequestHeader(name = HttpHeaders.CONTENT_ENCODING, required = false) String encoding,
      HttpServletRequest servletRequest,
      HttpServletResponse servletResponse)
      throws IOException, InterruptedException {
    byte[] body = body(servletRequest);
    if (body == null) {
      return entity(endpoints.tooLarge());
    }
    SandboxResponse answer = endpoints.ingest(kind, authorization, encoding, body);
    pause(answer.latency());
    if (!answer.drop()) {
      return entity(answer);
    }
    // Returning null tells Spring MVC the response is handled: nothing more is written.
    return ConnectionDrop.tryDrop(servletResponse)
        ? null
        : entity(SandboxResponse.json(503, DROP_UNSUPPORTED));
  }

  @GetMapping("/events")
  ResponseEntity<String> events(@RequestParam(required = false) String writeKey) {
    return entity(endpoints.events(writeKey));
  }

  @DeleteMapping("/events")
  ResponseEntity<String> reset() {
    return entity(endpoints.reset());
  }

  @GetMapping("/stats")
  ResponseEntity<String> stats() {
    return entity(endpoints.stats());
  }

  @PostMapping("/write-keys")
  ResponseEntity<String> registerWriteKey(HttpServletRequest request) throws IOException {
    byte[] body = body(request);
    return entity((body == null) ? endpoints.tooLarge() : endpoints.registerWriteKey(body));
  }

  @PostMapping("/faults")
  ResponseEntity<String> addFault(HttpServletRequest request) throws IOException {
    byte[] body = body(request);
    return entity((body == null) ? endpoints.tooLarge() : endpoints.addFault(body));
  }

  @DeleteMapping("/faults")
  ResponseEntity<String> clearFaults() {
    return entity(endpoints.clearFaults());
  }

  /**
   * The raw body, or null when it is over {@link SandboxEndpoints#MAX_READ_BYTES}. Not
   * {@code @RequestBody}: Spring rebuilds form-encoded bodies (curl's default {@code -d}
   * Content-Type) from request parameters, which would mangle the JSON.
   */
  private static byte[] body(HttpServletRequest request) throws IOException {
    byte[] body = request.getInputStream().readNBytes(SandboxEndpoints.MAX_READ_BYTES + 1);
    return (body.length > SandboxEndpoints.MAX_READ_BYTES) ? null : body;
  }

  private static void pause(Duration latency) throws InterruptedException {
    if (!latency.isZero()) {
      Thread.sleep(latency);
    }
  }

  private static ResponseEntity<String> entity(SandboxResponse answer) {
    ResponseEntity.BodyBuilder builder =
        ResponseEntity.status(answer.status()).contentType(MediaType.APPLICATION_JSON);
    answer.headers().forEach((name, value) -> builder.header(name, value));
    return builder.body(answer.body());
  }
}
