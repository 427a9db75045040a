package io.segmentrelay.inbound;

import io.segmentrelay.auth.Caller;
import io.segmentrelay.system.ApiException;
import io.segmentrelay.system.FieldError;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Segment as a source: the inbound endpoint Segment's Webhooks destination (or any of its
 * libraries) posts to, and the admin's view and secret of it. The inbound endpoint authenticates
 * itself: a signature can only be checked against the raw body.
 */
@RestController
class InboundController {

  static final int MAX_BODY_BYTES = 1024 * 1024;
  static final String PATH = InboundView.PATH;

  private final InboundService inbound;
  private final JsonMapper json;

  InboundController(InboundService inbound, JsonMapper json) {
    this.inbound = inbound;
    this.json = json;
  }

  @PostMapping(path = PATH, produces = "application/json")
  Map<String, Integer> receive(
      @RequestParam(required = false) String appId,
      @RequestHeader(name = "Authorization", required = false) String authorization,
      @RequestHeader(name = "X-Signature", required = false) String signature,
      HttpServletRequest request) throws IOException {
    var body = readBody(request);
    var app = inbound.authenticate(appId, bearer(authorization), signature, body);
    requireJson(request.getContentType());
    InboundMessages.Result parsed;
    try {
      parsed = InboundMessages.parse(json.readTree(body));
    } catch (JacksonException e) {
      throw ApiException.invalid("body", "is not valid JSON");
    }
    if (!parsed.errors().isEmpty()) {
      throw ApiException.invalid(parsed.errors());
    }
    return Map.of("accepted", inbound.accept(app, parsed.messages()));
  }

  @PostMapping(path = "/api/v1/apps/{appId}/inbound-secret", produces = "application/json")
  Map<String, String> rotateSecret(
      @AuthenticationPrincipal Caller.Admin admin, @PathVariable String appId) {
    return Map.of("secret", inbound.rotateSecret(admin.organizationId(), appId));
  }

  @GetMapping(path = "/api/v1/apps/{appId}/inbound", produces = "application/json")
  InboundView status(@AuthenticationPrincipal Caller.Admin admin, @PathVariable String appId) {
    return InboundView.of(inbound.status(admin.organizationId(), appId));
  }

  private static byte[] readBody(HttpServletRequest request) throws IOException {
    if (request.getContentLengthLong() > MAX_BODY_BYTES) {
      throw tooLarge();
    }
    var bytes = request.getInputStream().readNBytes(MAX_BODY_BYTES + 1);
    if (bytes.length > MAX_BODY_BYTES) {
      throw tooLarge();
    }
    return bytes;
  }

  private static String bearer(String header) {
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return null;
    }
    var token = header.substring(7).trim();
    return token.isEmpty() ? null : token;
  }

  private static void requireJson(String contentType) {
    MediaType type = null;
    try {
      type = contentType == null ? null : MediaType.parseMediaType(contentType);
    } catch (RuntimeException e) {
      // Reported like a wrong type below.
    }
    if (type == null || !MediaType.APPLICATION_JSON.isCompatibleWith(type)) {
      throw new ApiException(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "Send the body as application/json",
          List.of(new FieldError("Content-Type", "must be application/json")));
    }
  }

  private static ApiException tooLarge() {
    return new ApiException(HttpStatus.PAYLOAD_TOO_LARGE, "The body is over 1 MiB",
        List.of(new FieldError("body", "must be at most 1 MiB")));
  }
}
