package io.segmentrelay.web;

import io.segmentrelay.system.ApiException;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;

/**
 * Renders the UI's errors as pages. Another organization's integration, like a missing one, is a
 * plain 404 page: the UI reveals no more than the API does.
 */
@ControllerAdvice(basePackages = "io.segmentrelay.web")
class WebExceptionHandler {

  @ExceptionHandler(ApiException.class)
  String api(ApiException e, HttpServletResponse response, Model model) {
    response.setStatus(e.status().value());
    model.addAttribute("status", e.status().value());
    model.addAttribute("error", e.status().getReasonPhrase());
    model.addAttribute("message", e.status().value() == 404
        ? "There is no such page in your organization. It may have been deleted, or belong to"
            + " another organization."
        : e.getMessage());
    return "error";
  }
}
