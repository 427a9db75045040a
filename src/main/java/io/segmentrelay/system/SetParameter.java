package io.segmentrelay.system;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import javax.sql.DataSource;
import org.springframework.stereotype.Component;

/**
 * Writes "column is one of these values" the way each database runs fastest. PostgreSQL gets one
 * array parameter ({@code = ANY(?)}), so the statement text is the same whatever the number of
 * values and is planned once; H2 gets an {@code IN (?, ?, …)} list, which it answers from an index.
 */
@Component
public class SetParameter {

  private final boolean postgres;

  SetParameter(DataSource dataSource) {
    this.postgres = isPostgres(dataSource);
  }

  /** Whether the database is PostgreSQL (else H2). */
  public boolean postgres() {
    return postgres;
  }

  /** The condition {@code column} is one of {@code count} values, to bind with {@link #values}. */
  public String in(String column, int count) {
    if (postgres) {
      return column + " = ANY(?)";
    }
    return column + " IN (" + String.join(", ", java.util.Collections.nCopies(count, "?")) + ")";
  }

  /** The parameters for {@link #in}, appended to {@code params}. */
  @SuppressWarnings("unchecked")
  public <T> List<Object> values(List<Object> params, Collection<T> values, Class<T> type) {
    var out = new ArrayList<>(params);
    if (postgres) {
      out.add(values.toArray(n -> (T[]) java.lang.reflect.Array.newInstance(type, n)));
    } else {
      out.addAll(values);
    }
    return out;
  }

  private static boolean isPostgres(DataSource dataSource) {
    try (var connection = dataSource.getConnection()) {
      return connection.getMetaData().getDatabaseProductName().toLowerCase().contains("postgres");
    } catch (SQLException e) {
      throw new IllegalStateException("Cannot read the database's product name", e);
    }
  }
}
