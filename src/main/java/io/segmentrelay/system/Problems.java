package io.segmentrelay.system;

import java.net.URI;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;

/** Builds {@code application/problem+json} responses, the one error shape of every API. */
public final class Problems {

  public static final MediaType PROBLEM_JSON = MediaType.APPLICATION_PROBLEM_JSON;

  private Problems() {}

  /** A problem body with the status's reason as its title and the fields in {@code errors}. */
  public static ProblemDetail detail(HttpStatus status, String detail, List<FieldError> errors) {
    var problem = ProblemDetail.forStatusAndDetail(status, detail);
    problem.setTitle(status.getReasonPhrase());
    problem.setType(URI.create("about:blank"));
    if (!errors.isEmpty()) {
      problem.setProperty("errors", errors);
    }
    return problem;
  }

  public static ResponseEntity<ProblemDetail> response(
      HttpStatus status, String detail, List<FieldError> errors) {
    return ResponseEntity.status(status)
        .contentType(PROBLEM_JSON)
        .body(detail(status, detail, errors));
  }
}
