package io.segmentrelay.ingest;

import io.segmentrelay.system.Dialect;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.concurrent.Semaphore;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.security.autoconfigure.web.servlet.SecurityFilterProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Lets at most {@code pool size − 4} ingest requests ({@code /v1/…}) use the database at once; the
 * rest wait their turn in order, on their (virtual) threads. The connections left over are the
 * dispatcher's, its workers' and the admin API's: a flood of events never makes delivery wait
 * behind it for a connection, which would hold up every event already accepted. On the embedded
 * H2, which works in the relay's own threads, no more than two per core: more at once only
 * contend for the same tables.
 */
@Configuration(proxyBeanMethods = false)
class IngestBulkhead {

  /** Connections kept free of ingest. */
  static final int RESERVED = 4;

  @Bean
  FilterRegistrationBean<OncePerRequestFilter> ingestBulkheadFilter(
      @Value("${spring.datasource.hikari.maximum-pool-size:10}") int poolSize, Dialect set) {
    return filter(permits(poolSize, set.postgres(), Runtime.getRuntime().availableProcessors()));
  }

  /** How many ingest requests may use the database at once. */
  static int permits(int poolSize, boolean postgres, int cores) {
    int free = Math.max(1, poolSize - RESERVED);
    return postgres ? free : Math.min(free, 2 * cores);
  }

  static FilterRegistrationBean<OncePerRequestFilter> filter(int permits) {
    var semaphore = new Semaphore(permits, true);
    OncePerRequestFilter filter = new OncePerRequestFilter() {
      @Override
      protected void doFilterInternal(
          HttpServletRequest request, HttpServletResponse response, FilterChain chain)
          throws ServletException, IOException {
        semaphore.acquireUninterruptibly();
        try {
          chain.doFilter(request, response);
        } finally {
          semaphore.release();
        }
      }
    };
    var registration = new FilterRegistrationBean<>(filter);
    registration.addUrlPatterns("/v1/*");
    // Before Spring Security, whose token check reads the database too.
    registration.setOrder(SecurityFilterProperties.DEFAULT_FILTER_ORDER - 1);
    registration.setName("ingestBulkhead");
    return registration;
  }
}
