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
 * values and is planned once. H2 answers an {@code IN} list from an index either way, but tests
 * each row found against a list of {@code ?} parameters value by value, and against a list of
 * literals through a hash set. So up to {@value #MAX_PARAMETERS} values (an ingest request's
 * event ids and people) are parameters, their number padded to a power of two by repeating the
 * last value: a few statement texts, each parsed once per connection and then taken from H2's
 * statement cache. Larger sets (a claim of 2,500 rows would take six million comparisons) are
 * literals, parsed each time; only numbers and strings are written as literals, strings with
 * their quotes doubled.
 */
@Component
public class SetParameter {

  /** The most values H2 gets as parameters rather than literals. */
  static final int MAX_PARAMETERS = 128;

  private final boolean postgres;

  SetParameter(DataSource dataSource) {
    this.postgres = isPostgres(dataSource);
  }

  /** Whether the database is PostgreSQL (else H2). */
  public boolean postgres() {
    return postgres;
  }

  /**
   * The condition {@code column} is one of {@code values}, with the parameters from {@link
   * #values} for the same values. No values: a condition that is never true, as on PostgreSQL.
   */
  public String in(String column, Collection<?> values) {
    if (postgres) {
      return column + " = ANY(?)";
    }
    if (values.isEmpty()) {
      return "1 = 0";
    }
    if (values.size() <= MAX_PARAMETERS) {
      return column + " IN (?" + ", ?".repeat(padded(values.size()) - 1) + ")";
    }
    var sql = new StringBuilder(column.length() + 8 + values.size() * 26).append(column).append(" IN (");
    boolean first = true;
    for (var value : values) {
      if (!first) {
        sql.append(", ");
      }
      first = false;
      literal(sql, value);
    }
    return sql.append(')').toString();
  }

  /** The parameters for {@link #in}, appended to {@code params}. */
  @SuppressWarnings("unchecked")
  public <T> List<Object> values(List<Object> params, Collection<T> values, Class<T> type) {
    var out = new ArrayList<>(params);
    if (postgres) {
      out.add(values.toArray(n -> (T[]) java.lang.reflect.Array.newInstance(type, n)));
    } else if (!values.isEmpty() && values.size() <= MAX_PARAMETERS) {
      out.addAll(values);
      var last = out.getLast();
      for (int i = values.size(), n = padded(values.size()); i < n; i++) {
        out.add(last);
      }
    }
    return out;
  }

  /** The number of parameters for {@code n} values: the next power of two. */
  static int padded(int n) {
    return n <= 1 ? 1 : Integer.highestOneBit(n - 1) << 1;
  }

  private static void literal(StringBuilder sql, Object value) {
    switch (value) {
      case Long number -> sql.append(number.longValue());
      case Integer number -> sql.append(number.intValue());
      case String text -> {
        sql.append('\'');
        for (int i = 0; i < text.length(); i++) {
          char c = text.charAt(i);
          sql.append(c);
          if (c == '\'') {
            sql.append('\'');
          }
        }
        sql.append('\'');
      }
      default -> throw new IllegalArgumentException("Not a number or string: " + value.getClass());
    }
  }

  private static boolean isPostgres(DataSource dataSource) {
    try (var connection = dataSource.getConnection()) {
      return connection.getMetaData().getDatabaseProductName().toLowerCase().contains("postgres");
    } catch (SQLException e) {
      throw new IllegalStateException("Cannot read the database's product name", e);
    }
  }
}
