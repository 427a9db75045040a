package io.segmentrelay.web;

import io.segmentrelay.system.ApiException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.HttpStatus;

/** Maps the fields an {@link ApiException} names onto the form fields they belong to. */
final class FormErrors {

  private FormErrors() {}

  /**
   * The field errors of a validation failure, by field name ({@code writeKey}, {@code
   * events.response_submitted.name}, …). Anything but a 400 is not a form error and is rethrown.
   */
  static Map<String, String> of(ApiException e) {
    if (e.status() != HttpStatus.BAD_REQUEST) {
      throw e;
    }
    var errors = new LinkedHashMap<String, String>();
    for (var error : e.errors()) {
      errors.merge(
          error.field(), sentence(label(error.field()), error.message()), (a, b) -> a + " " + b);
    }
    return errors;
  }

  private static String sentence(String label, String message) {
    var text = label + " " + message;
    return text.endsWith(".") ? text : text + ".";
  }

  private static String label(String field) {
    return switch (field) {
      case "writeKey" -> "Write Key";
      case "endpoint" -> "Destination endpoint";
      case "name" -> "Name";
      default -> field.startsWith("events.") ? "The name"
          : field.startsWith("customEvents") ? "Custom events:" : field;
    };
  }
}
