package io.segmentrelay.auth;

import io.segmentrelay.system.Problems;
import io.segmentrelay.system.Secrets;
import java.util.List;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.security.web.authentication.AnonymousAuthenticationFilter;
import tools.jackson.databind.json.JsonMapper;

/**
 * Bearer tokens for the JSON APIs (stateless, no CSRF since no cookies are used); the sandbox's
 * Segment paths and health/metrics are open; managing the sandbox takes an admin.
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

  /**
   * No observations of the security filters: with an observation registry (Actuator's), Spring
   * Security otherwise wraps every filter of every chain in an observing decorator, even when the
   * observations themselves are turned off, and every ingest request runs through them.
   */
  @Bean
  static SecurityObservationSettings securityObservationSettings() {
    return SecurityObservationSettings.noObservations();
  }

  @Bean
  @Order(1)
  SecurityFilterChain apiSecurity(HttpSecurity http, Callers tenants, Secrets secrets,
      TokenThrottle throttle, JsonMapper json) throws Exception {
    http.securityMatcher("/api/**", "/v1/**")
        .csrf(csrf -> csrf.disable())
        .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
        .requestCache(cache -> cache.disable())
        .addFilterBefore(
            new BearerTokenFilter(tenants, secrets, throttle, json),
            AnonymousAuthenticationFilter.class)
        .authorizeHttpRequests(
            auth ->
                // Segment's calls carry the app's inbound secret, checked by the endpoint itself.
                auth.requestMatchers(HttpMethod.POST, "/v1/segment/inbound")
                    .permitAll()
                    .requestMatchers("/v1/**")
                    .hasRole("APP")
                    .requestMatchers("/api/v1/organizations", "/api/v1/organizations/**")
                    .hasRole("OPERATOR")
                    .anyRequest()
                    .hasRole("ADMIN"))
        .exceptionHandling(
            e -> e.authenticationEntryPoint(unauthorized(json)).accessDeniedHandler(forbidden(json)));
    return http.build();
  }

  /** The sandbox's Segment paths (open, like Segment's), health, metrics and the error page. */
  @Bean
  @Order(2)
  SecurityFilterChain openEndpoints(HttpSecurity http) throws Exception {
    http.securityMatcher(
            "/sandbox/v1/**", "/sandbox/b", "/sandbox/b/", "/actuator/**", "/error",
            "/v3/api-docs/**", "/v3/api-docs", "/swagger-ui/**", "/swagger-ui.html")
        .csrf(csrf -> csrf.disable())
        .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
        .authorizeHttpRequests(auth -> auth.anyRequest().permitAll());
    return http.build();
  }

  /**
   * The rest of the sandbox (recordings, faults, keys): an admin, by token or by the UI's session.
   * No CSRF token, since those endpoints take JSON bodies only, which no other site can send
   * without a CORS preflight, and the session cookie is SameSite=Lax.
   */
  @Bean
  @Order(3)
  SecurityFilterChain sandboxManagement(HttpSecurity http, Callers tenants, Secrets secrets,
      TokenThrottle throttle, JsonMapper json) throws Exception {
    http.securityMatcher("/sandbox/**")
        .csrf(csrf -> csrf.disable())
        .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.NEVER))
        .requestCache(cache -> cache.disable())
        .addFilterBefore(
            new BearerTokenFilter(tenants, secrets, throttle, json),
            AnonymousAuthenticationFilter.class)
        .authorizeHttpRequests(auth -> auth.anyRequest().hasRole("ADMIN"))
        .exceptionHandling(
            e -> e.authenticationEntryPoint(unauthorized(json)).accessDeniedHandler(forbidden(json)));
    return http.build();
  }

  private static AuthenticationEntryPoint unauthorized(JsonMapper json) {
    return (request, response, e) -> {
      response.setStatus(401);
      response.setHeader("WWW-Authenticate", "Bearer");
      response.setContentType(Problems.PROBLEM_JSON.toString());
      var problem =
          Problems.detail(
              HttpStatus.UNAUTHORIZED,
              "Missing or invalid token: send Authorization: Bearer <token>",
              List.of(new io.segmentrelay.system.FieldError("Authorization", "is missing or invalid")));
      problem.setInstance(null);
      json.writeValue(response.getOutputStream(), problem);
    };
  }

  private static AccessDeniedHandler forbidden(JsonMapper json) {
    return (request, response, e) -> {
      response.setStatus(403);
      response.setContentType(Problems.PROBLEM_JSON.toString());
      json.writeValue(
          response.getOutputStream(),
          Problems.detail(HttpStatus.FORBIDDEN, "This token may not do that", List.of()));
    };
  }
}
