package io.segmentrelay.web;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.servlet.resource.NoResourceFoundException;

/**
 * A page address that matches nothing gets the UI's own 404 page, rendered while the request is
 * still the signed-in admin's, so that it has the navigation and Sign out. Addresses of the APIs,
 * the sandbox and the actuator keep their JSON answers.
 */
@ControllerAdvice
@Order(Ordered.LOWEST_PRECEDENCE)
class PageNotFoundHandler {

  @ExceptionHandler(NoResourceFoundException.class)
  String notFound(
      NoResourceFoundException e,
      HttpServletRequest request,
      HttpServletResponse response,
      Model model)
      throws NoResourceFoundException {
    var path = request.getRequestURI().substring(request.getContextPath().length());
    if (!isPage(path)) {
      // Rethrown, it is answered as before: problem+json or the framework's 404.
      throw e;
    }
    response.setStatus(HttpServletResponse.SC_NOT_FOUND);
    model.addAttribute("status", 404);
    model.addAttribute("error", "Not Found");
    return "error";
  }

  private static boolean isPage(String path) {
    for (var prefix : new String[] {"/api/", "/v1/", "/sandbox/", "/actuator/", "/css/", "/js/"}) {
      if (path.startsWith(prefix)) {
        return false;
      }
    }
    return true;
  }
}
