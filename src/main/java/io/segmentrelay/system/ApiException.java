package io.segmentrelay.system;

import java.util.List;
import org.springframework.http.HttpStatus;

/**
 * Root of the errors an API call answers with a problem+json body. Subclasses carry the status;
 * {@link #errors()} names the offending fields, if any.
 */
public class ApiException extends RuntimeException {

  private final HttpStatus status;
  private final List<FieldError> errors;

  public ApiException(HttpStatus status, String detail, List<FieldError> errors) {
    super(detail);
    this.status = status;
    this.errors = List.copyOf(errors);
  }

  public HttpStatus status() {
    return status;
  }

  public List<FieldError> errors() {
    return errors;
  }

  /** 400: one or more fields are invalid; nothing was stored. */
  public static ApiException invalid(List<FieldError> errors) {
    var detail =
        errors.size() == 1
            ? errors.getFirst().field() + ": " + errors.getFirst().message()
            : errors.size() + " fields are invalid";
    return new ApiException(HttpStatus.BAD_REQUEST, detail, errors);
  }

  /** 400 for a single field. */
  public static ApiException invalid(String field, String message) {
    return invalid(List.of(new FieldError(field, message)));
  }

  /** 404: the thing does not exist for the caller (another tenant's things included). */
  public static ApiException notFound(String what) {
    return new ApiException(HttpStatus.NOT_FOUND, what + " not found", List.of());
  }

  /** 409: the request conflicts with the current state. */
  public static ApiException conflict(String detail) {
    return new ApiException(HttpStatus.CONFLICT, detail, List.of());
  }
}
