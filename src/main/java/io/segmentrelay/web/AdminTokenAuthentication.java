package io.segmentrelay.web;

import io.segmentrelay.auth.Caller;
import io.segmentrelay.system.Hashing;
import io.segmentrelay.tenant.TenantStore;
import java.util.List;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/**
 * Signs an admin in by the organization's admin token, posted by the sign-in form as {@code
 * token}. The principal is the same {@link Caller.Admin} the management API uses, so both scope
 * to the organization identically. The token is only hashed, never kept, logged or shown; the
 * session keeps the id of its credential, so that {@link RevokedSessionFilter} can end it.
 */
final class AdminTokenAuthentication implements AuthenticationProvider {

  private final TenantStore tenants;

  AdminTokenAuthentication(TenantStore tenants) {
    this.tenants = tenants;
  }

  @Override
  public Authentication authenticate(Authentication attempt) {
    var token = attempt.getCredentials() instanceof String s ? s.trim() : "";
    if (token.isEmpty()) {
      throw new BadCredentialsException("No admin token was entered");
    }
    var found =
        tenants
            .findAdminToken(Hashing.sha256(token))
            .orElseThrow(() -> new BadCredentialsException("Unknown admin token"));
    var signedIn = UsernamePasswordAuthenticationToken.authenticated(
        new Caller.Admin(found.organizationId()), null,
        List.of(new SimpleGrantedAuthority("ROLE_ADMIN")));
    signedIn.setDetails(new SignedInWith(found.credentialId()));
    return signedIn;
  }

  /** The admin token a session was signed in with (its id, not the token); revoking it ends it. */
  record SignedInWith(String credentialId) implements java.io.Serializable {}

  @Override
  public boolean supports(Class<?> authentication) {
    return UsernamePasswordAuthenticationToken.class.isAssignableFrom(authentication);
  }
}
