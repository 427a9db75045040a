package io.segmentrelay.system;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.RecoverableDataAccessException;
import org.springframework.dao.TransientDataAccessResourceException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.TransactionSystemException;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * While the database is unreachable (down, restarting, out of connections), every request that
 * needs it is answered {@code 503} with {@code Retry-After}: nothing was stored, and a client that
 * retries later loses nothing. Controllers' errors reach {@link #response} through the problem
 * handler; errors of filters that read the database (the token check) are caught here.
 */
@Configuration(proxyBeanMethods = false)
public class DatabaseUnavailable {

  private static final Logger log = LoggerFactory.getLogger(DatabaseUnavailable.class);

  /** Seconds a client is asked to wait: about one connection timeout. */
  static final int RETRY_AFTER_SECONDS = 5;

  private static final String DETAIL =
      "The database is unavailable; nothing was stored. Retry after " + RETRY_AFTER_SECONDS
          + " seconds.";

  /** Whether {@code e} says the database could not be reached, rather than refused a statement. */
  public static boolean causedBy(Throwable e) {
    for (var cause = e; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
      // A commit or rollback that failed: the connection broke under the transaction.
      if (cause instanceof CannotCreateTransactionException
          || cause instanceof TransactionSystemException
          || cause instanceof DataAccessResourceFailureException
          || cause instanceof TransientDataAccessResourceException
          || cause instanceof RecoverableDataAccessException
          || cause instanceof SQLTransientConnectionException
          || cause instanceof SQLRecoverableException
          || cause instanceof java.sql.SQLNonTransientConnectionException) {
        return true;
      }
      if (cause instanceof SQLException sql && sql.getSQLState() != null
          && List.of("08", "53", "57").contains(sql.getSQLState().substring(0, 2))) {
        return true;
      }
    }
    return false;
  }

  /** The answer while the database is unreachable. */
  public static ResponseEntity<ProblemDetail> response() {
    log.warn("Answered 503: the database is unreachable");
    return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
        .header(HttpHeaders.RETRY_AFTER, String.valueOf(RETRY_AFTER_SECONDS))
        .contentType(Problems.PROBLEM_JSON)
        .body(Problems.detail(HttpStatus.SERVICE_UNAVAILABLE, DETAIL, List.of()));
  }

  @Bean
  FilterRegistrationBean<OncePerRequestFilter> databaseUnavailableFilter() {
    OncePerRequestFilter filter = new OncePerRequestFilter() {
      @Override
      protected void doFilterInternal(
          HttpServletRequest request, HttpServletResponse response, FilterChain chain)
          throws ServletException, IOException {
        try {
          chain.doFilter(request, response);
        } catch (RuntimeException | ServletException e) {
          if (!causedBy(e) || response.isCommitted()) {
            throw e;
          }
          log.warn("Answered 503 to {}: the database is unreachable", request.getRequestURI());
          response.reset();
          response.setStatus(HttpStatus.SERVICE_UNAVAILABLE.value());
          response.setHeader(HttpHeaders.RETRY_AFTER, String.valueOf(RETRY_AFTER_SECONDS));
          response.setContentType(Problems.PROBLEM_JSON.toString());
          response.setCharacterEncoding("UTF-8");
          response.getWriter().write("{\"type\":\"about:blank\",\"title\":\"Service Unavailable\","
              + "\"status\":503,\"detail\":\"" + DETAIL + "\"}");
        }
      }
    };
    var registration = new FilterRegistrationBean<>(filter);
    registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
    registration.setName("databaseUnavailable");
    return registration;
  }
}
