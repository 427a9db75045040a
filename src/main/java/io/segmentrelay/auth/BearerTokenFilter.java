package io.segmentrelay.auth;

import io.segmentrelay.system.Hashing;
import io.segmentrelay.system.Secrets;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Resolves {@code Authorization: Bearer <token>} to a {@link Caller}. Which kind of token counts
 * depends on the path: ingest keys for {@code /v1/**}, the operator token for creating
 * organizations, admin tokens for the rest of {@code /api/**}. Any other token is simply not
 * authenticated, so the caller gets a 401.
 */
final class BearerTokenFilter extends OncePerRequestFilter {

  private final Callers tenants;
  private final Secrets secrets;

  BearerTokenFilter(Callers tenants, Secrets secrets) {
    this.tenants = tenants;
    this.secrets = secrets;
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    bearerToken(request)
        .flatMap(token -> resolve(request, token))
        .ifPresent(
            caller -> {
              var role = "ROLE_" + caller.getClass().getSimpleName().toUpperCase();
              var auth =
                  UsernamePasswordAuthenticationToken.authenticated(
                      caller, null, List.of(new SimpleGrantedAuthority(role)));
              SecurityContextHolder.getContext().setAuthentication(auth);
            });
    chain.doFilter(request, response);
  }

  private Optional<Caller> resolve(HttpServletRequest request, String token) {
    var path = request.getRequestURI().substring(request.getContextPath().length());
    if (path.startsWith("/v1/")) {
      return tenants.findAppByIngestKeyHash(Hashing.sha256(token)).map(Caller.class::cast);
    }
    if (path.equals("/api/v1/organizations") && secrets.isOperatorToken(token)) {
      return Optional.of(new Caller.Operator());
    }
    return tenants.findOrganizationByAdminTokenHash(Hashing.sha256(token))
        .map(Caller.Admin::new);
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
