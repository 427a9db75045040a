package io.segmentrelay.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.jdbc.UncategorizedSQLException;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.TransactionSystemException;

/** Which failures mean "the database is away" (503, retry later) rather than a bug (500). */
class DatabaseUnavailableTest {

  @Test
  void connection_failures_mean_the_database_is_away() {
    assertThat(DatabaseUnavailable.causedBy(new CannotCreateTransactionException("no connection",
        new SQLTransientConnectionException("Connection is not available")))).isTrue();
    assertThat(DatabaseUnavailable.causedBy(new CannotGetJdbcConnectionException("refused")))
        .isTrue();
    assertThat(DatabaseUnavailable.causedBy(new TransactionSystemException("JDBC rollback failed")))
        .isTrue();
    assertThat(DatabaseUnavailable.causedBy(new UncategorizedSQLException("update", "UPDATE",
        new SQLException("terminating connection due to administrator command", "57P01"))))
        .isTrue();
    assertThat(DatabaseUnavailable.causedBy(new RuntimeException(
        new SQLException("connection attempt failed", "08001")))).isTrue();
  }

  @Test
  void a_statement_the_database_refused_is_not_an_outage() {
    assertThat(DatabaseUnavailable.causedBy(new DataIntegrityViolationException("duplicate")))
        .isFalse();
    assertThat(DatabaseUnavailable.causedBy(new UncategorizedSQLException("insert", "INSERT",
        new SQLException("value too long", "22001")))).isFalse();
    assertThat(DatabaseUnavailable.causedBy(new IllegalStateException("bug"))).isFalse();
  }

  @Test
  void the_answer_is_503_with_retry_after() {
    var response = DatabaseUnavailable.response();
    assertThat(response.getStatusCode().value()).isEqualTo(503);
    assertThat(response.getHeaders().getFirst("Retry-After")).isEqualTo("5");
    assertThat(response.getHeaders().getContentType()).isEqualTo(Problems.PROBLEM_JSON);
  }
}
