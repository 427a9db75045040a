package io.segmentrelay.web;

import io.segmentrelay.tenant.TenantStore;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Ends a signed-in session whose admin token was revoked, or whose organization was deleted, on
 * its next request: the token is checked against the database each time, so this holds on every
 * node whatever node the session lives on.
 */
final class RevokedSessionFilter extends OncePerRequestFilter {

  private final TenantStore tenants;

  RevokedSessionFilter(TenantStore tenants) {
    this.tenants = tenants;
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    var auth = SecurityContextHolder.getContext().getAuthentication();
    if (auth != null
        && auth.getDetails() instanceof AdminTokenAuthentication.SignedInWith signedIn
        && !tenants.adminTokenValid(signedIn.credentialId())) {
      SecurityContextHolder.clearContext();
      var session = request.getSession(false);
      if (session != null) {
        session.invalidate();
      }
    }
    chain.doFilter(request, response);
  }
}
