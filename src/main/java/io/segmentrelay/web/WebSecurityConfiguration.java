package io.segmentrelay.web;

import io.segmentrelay.tenant.TenantStore;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import io.segmentrelay.auth.TokenThrottle;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.intercept.AuthorizationFilter;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;
import org.springframework.security.web.authentication.SimpleUrlAuthenticationFailureHandler;
import org.springframework.security.web.authentication.UsernamePasswordAuthenticationFilter;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter;

/**
 * The web UI's way in: an admin signs in once with the organization's admin token and then uses a
 * session cookie, which ends when that token is revoked. Unlike the bearer-token APIs, forms here
 * are CSRF-protected. This chain comes after the API and open chains and takes every request they
 * leave. Wrong tokens count towards the same per-address limit as the API's.
 */
@Configuration(proxyBeanMethods = false)
class WebSecurityConfiguration {

  private static final String CONTENT_SECURITY_POLICY =
      "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self';"
          + " form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

  @Bean
  @Order(10)
  SecurityFilterChain webSecurity(HttpSecurity http, TenantStore tenants, TokenThrottle throttle)
      throws Exception {
    var signInPage = new LoginUrlAuthenticationEntryPoint("/login");
    // Relative, so that no Host header a client sends ends up in a Location.
    signInPage.setFavorRelativeUris(true);
    var failure = new SimpleUrlAuthenticationFailureHandler("/login?error");
    http.authenticationManager(new ProviderManager(new AdminTokenAuthentication(tenants)))
        .addFilterBefore(new RevokedSessionFilter(tenants), AuthorizationFilter.class)
        .addFilterBefore(new SignInThrottleFilter(throttle), UsernamePasswordAuthenticationFilter.class)
        .exceptionHandling(e -> e.authenticationEntryPoint(signInPage))
        .authorizeHttpRequests(
            auth ->
                auth.requestMatchers("/login", "/css/**", "/js/**", "/favicon.svg")
                    .permitAll()
                    .anyRequest()
                    .hasRole("ADMIN"))
        .formLogin(
            form ->
                form.loginPage("/login")
                    .usernameParameter("organization")
                    .passwordParameter("token")
                    .defaultSuccessUrl("/integrations")
                    .failureHandler(
                        (request, response, e) -> {
                          throttle.failed(request.getRemoteAddr());
                          failure.onAuthenticationFailure(request, response, e);
                        }))
        .logout(logout -> logout.logoutUrl("/logout").logoutSuccessUrl("/login?signedOut"))
        .headers(
            headers ->
                headers
                    .contentSecurityPolicy(csp -> csp.policyDirectives(CONTENT_SECURITY_POLICY))
                    .referrerPolicy(
                        referrer ->
                            referrer.policy(ReferrerPolicyHeaderWriter.ReferrerPolicy.SAME_ORIGIN)));
    return http.build();
  }
}
