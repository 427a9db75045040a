package io.segmentrelay.auth;

import io.segmentrelay.system.FieldError;
import io.segmentrelay.system.Hashing;
import io.segmentrelay.system.Problems;
import io.segmentrelay.system.Secrets;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.springframework.http.HttpStatus;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.json.JsonMapper;

/**
 * Resolves {@code Authorization: Bearer <token>} to a {@link Caller}. Which kind of token counts
 * depends on the path: ingest keys for {@code /v1/**}, the operator token for organizations
 * ({@code /api/v1/organizations/**}), admin tokens for the rest of {@code /api/**}. Every token
 * is looked up in the database, never cached, so a revoked one fails on its next request. Any
 * other token is simply not authenticated, so the caller gets a 401, and counted by the
 * {@link TokenThrottle}.
 */
final class BearerTokenFilter extends OncePerRequestFilter {

  private final Callers tenants;
  private final Secrets secrets;
  private final TokenThrottle throttle;
  private final JsonMapper json;

  BearerTokenFilter(Callers tenants, Secrets secrets, TokenThrottle throttle, JsonMapper json) {
    this.tenants = tenants;
    this.secrets = secrets;
    this.throttle = throttle;
    this.json = json;
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    var token = bearerToken(request);
    if (token.isPresent()) {
      var wait = throttle.blocked(request.getRemoteAddr());
      if (wait.isPresent()) {
        tooManyAttempts(response, wait.get());
        return;
      }
    }
    var resolved = token.flatMap(t -> resolve(request, t));
    if (token.isPresent() && resolved.isEmpty()) {
      throttle.failed(request.getRemoteAddr());
    }
    resolved.ifPresent(
            caller -> {
              var role = "ROLE_" + caller.getClass().getSimpleName().toUpperCase();
              var auth =
                  UsernamePasswordAuthenticationToken.authenticated(
                      caller, null, List.of(new SimpleGrantedAuthority(role)));
              SecurityContextHolder.getContext().setAuthentication(auth);
            });
    chain.doFilter(request, response);
  }

  private void tooManyAttempts(HttpServletResponse response, Duration wait) throws IOException {
    response.setStatus(429);
    response.setHeader("Retry-After", TokenThrottle.retryAfter(wait));
    response.setContentType(Problems.PROBLEM_JSON.toString());
    json.writeValue(response.getOutputStream(), Problems.detail(HttpStatus.TOO_MANY_REQUESTS,
        "Too many wrong tokens from this address; try again after Retry-After seconds",
        List.of(new FieldError("Authorization", "was wrong too often"))));
  }

  private Optional<Caller> resolve(HttpServletRequest request, String token) {
    var path = request.getRequestURI().substring(request.getContextPath().length());
    if (path.startsWith("/v1/")) {
      return tenants.findAppByIngestKeyHash(Hashing.sha256(token)).map(Caller.class::cast);
    }
    if (isOperatorPath(path) && secrets.isOperatorToken(token)) {
      return Optional.of(new Caller.Operator());
    }
    return tenants.findOrganizationByAdminTokenHash(Hashing.sha256(token))
        .map(Caller.Admin::new);
  }

  /** The operator's paths: organizations, and every path under them. */
  static boolean isOperatorPath(String path) {
    return path.equals("/api/v1/organizations") || path.startsWith("/api/v1/organizations/");
  }

  private static Optional<String> bearerToken(HttpServletRequest request) {
    var header = request.getHeader("Authorization");
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return Optional.empty();
    }
    var token = header.substring(7).trim();
    return token.isEmpty() ? Optional.empty() : Optional.of(token);
  }
}
