package io.segmentrelay.sandbox;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import io.segmentrelay.auth.Caller;
import io.segmentrelay.system.ApiException;
import io.segmentrelay.system.FieldError;
import java.util.List;
import org.springframework.context.annotation.Conditional;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
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
 * that malformed JSON is answered by the sandbox the way Segment answers it. The Segment paths are
 * open, like Segment's; the rest is scoped to the signed-in organization by {@link SandboxAdmin}.
 */
@RestController
@RequestMapping("/sandbox")
@Conditional(SandboxEnabled.class)
class SandboxController {

  private static final String DROP_UNSUPPORTED =
      "{\"success\":false,\"message\":\"this servlet container cannot drop connections; use the"
          + " standalone sandbox\"}";

  private static final int MAX_MANAGEMENT_BYTES = 64 * 1024;

  private final SandboxEndpoints endpoints;

  private final SandboxAdmin admin;

  SandboxController(SandboxReceiver receiver) {
    this.endpoints = new SandboxEndpoints(receiver);
    this.admin = new SandboxAdmin(receiver);
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
  ResponseEntity<String> events(
      @AuthenticationPrincipal Caller caller, @RequestParam(required = false) String writeKey) {
    return json(admin.events(organization(caller), writeKey));
  }

  @DeleteMapping("/events")
  ResponseEntity<String> reset(@AuthenticationPrincipal Caller caller) {
    return json(admin.reset(organization(caller)));
  }

  @GetMapping("/stats")
  ResponseEntity<String> stats(@AuthenticationPrincipal Caller caller) {
    return json(admin.stats(organization(caller)));
  }

  @PostMapping("/write-keys")
  ResponseEntity<String> registerWriteKey(
      @AuthenticationPrincipal Caller caller, HttpServletRequest request) throws IOException {
    var organization = organization(caller);
    return json(admin.register(organization, jsonBody(request)));
  }

  @DeleteMapping("/write-keys/{writeKey}")
  ResponseEntity<String> removeWriteKey(
      @AuthenticationPrincipal Caller caller, @PathVariable String writeKey) {
    return json(admin.remove(organization(caller), writeKey));
  }

  @PostMapping("/faults")
  ResponseEntity<String> addFault(
      @AuthenticationPrincipal Caller caller, HttpServletRequest request) throws IOException {
    var organization = organization(caller);
    return json(admin.addFault(organization, jsonBody(request)));
  }

  @DeleteMapping("/faults")
  ResponseEntity<String> clearFaults(@AuthenticationPrincipal Caller caller) {
    return json(admin.clearFaults(organization(caller)));
  }

  /**
   * Managing the sandbox takes an organization's admin (token or session); the security
   * configuration sees to that, and this check keeps it so should the controller run without it.
   */
  private static String organization(Caller caller) {
    if (caller instanceof Caller.Admin(String organizationId)) {
      return organizationId;
    }
    throw new ApiException(HttpStatus.UNAUTHORIZED, "Sign in or send an admin token",
        List.of(new FieldError("Authorization", "is missing or invalid")));
  }

  /**
   * A management body: JSON only, so that no web page can post one from a visitor's browser
   * without a CORS preflight (a form or {@code text/plain} post needs none).
   */
  private static byte[] jsonBody(HttpServletRequest request) throws IOException {
    MediaType type = null;
    try {
      type = request.getContentType() == null ? null
          : MediaType.parseMediaType(request.getContentType());
    } catch (RuntimeException e) {
      // reported as a wrong type below
    }
    if (type == null || !MediaType.APPLICATION_JSON.isCompatibleWith(type)) {
      throw new ApiException(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "Send the body as application/json",
          List.of(new FieldError("Content-Type", "must be application/json")));
    }
    byte[] body = request.getInputStream().readNBytes(MAX_MANAGEMENT_BYTES + 1);
    if (body.length > MAX_MANAGEMENT_BYTES) {
      throw new ApiException(HttpStatus.PAYLOAD_TOO_LARGE, "The body is over 64 KiB",
          List.of(new FieldError("body", "must be at most 64 KiB")));
    }
    return body;
  }

  private static ResponseEntity<String> json(String body) {
    return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(body);
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
