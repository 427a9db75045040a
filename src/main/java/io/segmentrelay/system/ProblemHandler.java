package io.segmentrelay.system;

import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.HttpMediaTypeNotAcceptableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.resource.NoResourceFoundException;

/** Turns every error of the JSON APIs into {@code application/problem+json} naming the field. */
@RestControllerAdvice(annotations = RestController.class)
class ProblemHandler {

  private static final Logger log = LoggerFactory.getLogger(ProblemHandler.class);

  @ExceptionHandler(ApiException.class)
  ResponseEntity<ProblemDetail> api(ApiException e) {
    return Problems.response(e.status(), e.getMessage(), e.errors());
  }

  @ExceptionHandler(HttpMessageNotReadableException.class)
  ResponseEntity<ProblemDetail> unreadable(HttpMessageNotReadableException e) {
    return Problems.response(
        HttpStatus.BAD_REQUEST,
        "The body is not valid JSON of the expected shape",
        List.of(new FieldError("body", "must be a JSON object of the documented shape")));
  }

  @ExceptionHandler(HttpMediaTypeNotSupportedException.class)
  ResponseEntity<ProblemDetail> mediaType(HttpMediaTypeNotSupportedException e) {
    return Problems.response(
        HttpStatus.UNSUPPORTED_MEDIA_TYPE,
        "Send the body as application/json",
        List.of(new FieldError("Content-Type", "must be application/json")));
  }

  @ExceptionHandler(HttpMediaTypeNotAcceptableException.class)
  ResponseEntity<ProblemDetail> notAcceptable(HttpMediaTypeNotAcceptableException e) {
    return Problems.response(
        HttpStatus.NOT_ACCEPTABLE,
        "This API answers application/json",
        List.of(new FieldError("Accept", "must allow application/json")));
  }

  @ExceptionHandler(HttpRequestMethodNotSupportedException.class)
  ResponseEntity<ProblemDetail> method(HttpRequestMethodNotSupportedException e) {
    return Problems.response(
        HttpStatus.METHOD_NOT_ALLOWED, e.getMethod() + " is not allowed here", List.of());
  }

  @ExceptionHandler(MissingServletRequestParameterException.class)
  ResponseEntity<ProblemDetail> missingParameter(MissingServletRequestParameterException e) {
    return Problems.response(
        HttpStatus.BAD_REQUEST,
        "A query parameter is missing",
        List.of(new FieldError(e.getParameterName(), "is required")));
  }

  @ExceptionHandler(MethodArgumentTypeMismatchException.class)
  ResponseEntity<ProblemDetail> typeMismatch(MethodArgumentTypeMismatchException e) {
    return Problems.response(
        HttpStatus.BAD_REQUEST,
        "A parameter has the wrong type",
        List.of(new FieldError(e.getName(), "has an invalid value")));
  }

  @ExceptionHandler(NoResourceFoundException.class)
  ResponseEntity<ProblemDetail> noResource(NoResourceFoundException e) {
    return Problems.response(HttpStatus.NOT_FOUND, "No such resource", List.of());
  }

  @ExceptionHandler(Exception.class)
  ResponseEntity<ProblemDetail> unexpected(Exception e) {
    if (DatabaseUnavailable.causedBy(e)) {
      return DatabaseUnavailable.response();
    }
    log.error("Unexpected error answering an API call", e);
    return Problems.response(
        HttpStatus.INTERNAL_SERVER_ERROR, "Unexpected error; see the relay's log", List.of());
  }
}
