package io.segmentrelay.system;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Answers 404 to {@code /error} asked for directly: that path only renders the error of another
 * request, and without one the framework reports a 500. Error dispatches pass untouched.
 */
@Component
class DirectErrorRequests extends OncePerRequestFilter {

  private static final String NOT_FOUND =
      "{\"type\":\"about:blank\",\"title\":\"Not Found\",\"status\":404,"
          + "\"detail\":\"No such resource\"}";

  @Override
  protected boolean shouldNotFilter(HttpServletRequest request) {
    var path = request.getRequestURI().substring(request.getContextPath().length());
    return !path.equals("/error") && !path.startsWith("/error/");
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    response.setStatus(404);
    response.setContentType(Problems.PROBLEM_JSON.toString());
    response.getOutputStream().write(NOT_FOUND.getBytes(StandardCharsets.UTF_8));
  }
}
