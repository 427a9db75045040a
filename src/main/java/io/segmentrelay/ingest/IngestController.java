package io.segmentrelay.ingest;

import io.segmentrelay.auth.Caller;
import io.segmentrelay.system.ApiException;
import io.segmentrelay.system.FieldError;
import io.segmentrelay.system.InputChecks;
import io.segmentrelay.system.Timestamps;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;
import org.springframework.http.ResponseEntity;

/**
 * The platform's way in: survey events and identify calls, authenticated by the app's
 * ingest key. The body is read here, not by a message converter, so that size, syntax and field
 * errors all get the same problem+json answers.
 */
@RestController
class IngestController {

  static final int MAX_BODY_BYTES = 1024 * 1024;

  private final IngestService ingest;
  private final JsonMapper json;

  IngestController(IngestService ingest, JsonMapper json) {
    this.ingest = ingest;
    this.json = json;
  }

  @PostMapping(path = "/v1/events", produces = "application/json")
  ResponseEntity<String> events(
      @AuthenticationPrincipal Caller.App app, HttpServletRequest request) throws IOException {
    var parsed = EventParser.parse(readJson(request));
    if (!parsed.errors().isEmpty()) {
      throw ApiException.invalid(parsed.errors());
    }
    var accepted = ingest.accept(app, parsed.events());
    // Two numbers: written directly, not through the JSON message converter.
    var body = "{\"accepted\":" + accepted.accepted() + ",\"duplicates\":" + accepted.duplicates();
    if (!parsed.warnings().isEmpty()) {
      body += ",\"warnings\":" + json.writeValueAsString(parsed.warnings());
    }
    return ResponseEntity.status(HttpStatus.ACCEPTED)
        .contentType(MediaType.APPLICATION_JSON)
        .body(body + "}");
  }

  @PostMapping(path = "/v1/identify", produces = "application/json")
  Map<String, Object> identify(
      @AuthenticationPrincipal Caller.App app, HttpServletRequest request) throws IOException {
    var body = readJson(request);
    if (!body.isObject()) {
      throw ApiException.invalid("body", "must be an object");
    }
    var errors = new ArrayList<FieldError>();
    var userId = identifier(body, "userId", errors);
    var anonymousId = identifier(body, "anonymousId", errors);
    if (userId == null && anonymousId == null && errors.isEmpty()) {
      errors.add(new FieldError("userId", "userId or anonymousId is required"));
    }
    var traits = body.get("traits");
    if (traits != null && !traits.isNull() && !traits.isObject()) {
      errors.add(new FieldError("traits", "must be an object"));
    }
    var timestamp = body.get("timestamp");
    if (timestamp != null && !timestamp.isNull()
        && (!timestamp.isString() || Timestamps.parse(timestamp.asString()).isEmpty())) {
      errors.add(new FieldError("timestamp", Timestamps.INVALID));
    }
    if (!errors.isEmpty()) {
      throw ApiException.invalid(errors);
    }
    var who =
        ingest.identify(app, userId, anonymousId, traits instanceof ObjectNode o ? o : null);
    var result = new LinkedHashMap<String, Object>();
    if (who.userId() != null) {
      result.put("userId", who.userId());
    }
    result.put("anonymousId", who.anonymousId());
    return result;
  }

  private JsonNode readJson(HttpServletRequest request) throws IOException {
    requireJson(request.getContentType());
    if (request.getContentLengthLong() > MAX_BODY_BYTES) {
      throw tooLarge();
    }
    var bytes = request.getInputStream().readNBytes(MAX_BODY_BYTES + 1);
    if (bytes.length > MAX_BODY_BYTES) {
      throw tooLarge();
    }
    JsonNode body;
    try {
      body = json.readTree(bytes);
    } catch (JacksonException e) {
      throw ApiException.invalid("body", "is not valid JSON");
    }
    var unsafe = InputChecks.check(body);
    if (!unsafe.isEmpty()) {
      throw ApiException.invalid(unsafe);
    }
    return body;
  }

  private static void requireJson(String contentType) {
    MediaType type = null;
    try {
      type = contentType == null ? null : MediaType.parseMediaType(contentType);
    } catch (RuntimeException e) {
      // An unparseable Content-Type is reported like a wrong one below.
    }
    if (type == null || !MediaType.APPLICATION_JSON.isCompatibleWith(type)) {
      throw new ApiException(
          HttpStatus.UNSUPPORTED_MEDIA_TYPE,
          "Send the body as application/json",
          List.of(new FieldError("Content-Type", "must be application/json")));
    }
  }

  private static ApiException tooLarge() {
    return new ApiException(
        HttpStatus.CONTENT_TOO_LARGE,
        "The body is over 1 MiB; send at most 500 events per request",
        List.of(new FieldError("body", "must be at most 1 MiB")));
  }

  private static String identifier(JsonNode body, String field, List<FieldError> errors) {
    var node = body.get(field);
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isString() || node.asString().isEmpty() || node.asString().length() > 200) {
      errors.add(new FieldError(field, "must be a string of 1–200 characters"));
      return null;
    }
    return node.asString();
  }

}
