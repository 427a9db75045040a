package io.segmentrelay.system;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import javax.sql.DataSource;
import org.springframework.stereotype.Component;

/**
 * Every difference between the two databases the relay runs on, decided once from the
 * datasource's metadata: which engine it is, whether it is embedded (only this process can open
 * it), and how to write "column is one of these values" fast on each. PostgreSQL gets one array
 * parameter ({@code = ANY(?)}), one statement text for any number of values. H2 tests each row
 * against an IN list of parameters value by value, but against literals through a hash set; so up
 * to {@value #MAX_PARAMETERS} values are parameters, their number padded to a power of two to
 * keep the statement texts few and cached, and larger sets (a claim's rows) are literals.
 */
@Component
public class Dialect {

  /** The most values H2 gets as parameters rather than literals. */
  static final int MAX_PARAMETERS = 128;

  private final boolean postgres;
  private final boolean embedded;

  Dialect(DataSource dataSource) {
    try (var connection = dataSource.getConnection()) {
      var metadata = connection.getMetaData();
      this.postgres = metadata.getDatabaseProductName().toLowerCase(Locale.ROOT).contains("postgres");
      this.embedded = embeddedH2(metadata.getURL());
    } catch (SQLException e) {
      throw new IllegalStateException("Cannot read the database's metadata", e);
    }
  }

  /**
   * Whether a JDBC URL names an H2 inside this process (file or memory): no other process can open
   * it, so whatever it holds in flight was left by an earlier run of this one.
   */
  public static boolean embeddedH2(String url) {
    var u = url.toLowerCase(Locale.ROOT);
    return u.startsWith("jdbc:h2:") && !u.startsWith("jdbc:h2:tcp:")
        && !u.startsWith("jdbc:h2:ssl:") && !u.contains("auto_server=true");
  }

  /** Whether the database is the embedded H2 that only this process can open. */
  public boolean embedded() {
    return embedded;
  }

  /** The schema's identity-column options for tables written per event (see V1__schema.sql). */
  public String identityCache() {
    return postgres ? "" : "(CACHE 1000)";
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
}
