package io.segmentrelay.web;

import io.segmentrelay.auth.TokenThrottle;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.springframework.web.filter.OncePerRequestFilter;

/** Answers 429 to a sign-in from an address that sent too many wrong tokens lately. */
final class SignInThrottleFilter extends OncePerRequestFilter {

  private final TokenThrottle throttle;

  SignInThrottleFilter(TokenThrottle throttle) {
    this.throttle = throttle;
  }

  @Override
  protected boolean shouldNotFilter(HttpServletRequest request) {
    return !"POST".equals(request.getMethod())
        || !"/login".equals(request.getRequestURI().substring(request.getContextPath().length()));
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    var wait = throttle.blocked(request.getRemoteAddr());
    if (wait.isEmpty()) {
      chain.doFilter(request, response);
      return;
    }
    var seconds = TokenThrottle.retryAfter(wait.get());
    response.setStatus(429);
    response.setHeader("Retry-After", seconds);
    response.setContentType("text/plain;charset=UTF-8");
    response.getOutputStream().write(
        ("Too many wrong tokens from this address. Try again in " + seconds + " seconds.\n")
            .getBytes(StandardCharsets.UTF_8));
  }
}
