package io.segmentrelay.web;

import io.segmentrelay.tenant.TenantStore;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.intercept.AuthorizationFilter;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter;

/**
 * The web UI's way in: an admin signs in once with the organization's admin token and then uses a
 * session cookie, which ends when that token is revoked. Unlike the bearer-token APIs, forms here
 * are CSRF-protected. This chain comes after the API and open chains and takes every request they
 * leave.
 */
@Configuration(proxyBeanMethods = false)
class WebSecurityConfiguration {

  private static final String CONTENT_SECURITY_POLICY =
      "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self';"
          + " form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

  @Bean
  @Order(3)
  SecurityFilterChain webSecurity(HttpSecurity http, TenantStore tenants) throws Exception {
    http.authenticationManager(new ProviderManager(new AdminTokenAuthentication(tenants)))
        .addFilterBefore(new RevokedSessionFilter(tenants), AuthorizationFilter.class)
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
                    .failureUrl("/login?error"))
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
