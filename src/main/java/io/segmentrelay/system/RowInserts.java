package io.segmentrelay.system;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Inserts many rows with few statements: {@code INSERT … VALUES (…), (…), …}. A JDBC batch runs
 * one statement per row on H2 (and on PostgreSQL unless its driver rewrites batches), and each
 * statement has a fixed cost. Rows go in chunks of a power of two ({@value #MAX_ROWS}, 32 … 1), so
 * a table has a few statement texts, each parsed once per connection and then cached.
 */
@Component
public class RowInserts {

  /** The most rows in one statement. */
  static final int MAX_ROWS = 64;

  private final JdbcTemplate template;

  RowInserts(JdbcTemplate template) {
    this.template = template;
  }

  /** Binds one row's values, in the order of the columns, through {@code params}. */
  @FunctionalInterface
  public interface Binder<T> {
    void bind(Params params, T row) throws SQLException;
  }

  /**
   * A table and the columns rows go into, comma-separated, in the order a {@link Binder} binds
   * them; with its statement texts, one per chunk size, made once.
   */
  public static final class Into {
    /** Index: the chunk size's power of two. */
    private final String[] statements;

    public Into(String table, String columns) {
      int width = columns.split(",").length;
      statements = new String[Integer.numberOfTrailingZeros(MAX_ROWS) + 1];
      for (int i = 0; i < statements.length; i++) {
        statements[i] = sql(table, columns, width, 1 << i);
      }
    }

    String statement(int rows) {
      return statements[Integer.numberOfTrailingZeros(rows)];
    }
  }

  /** Inserts {@code rows} into {@code into}'s table. */
  public <T> void insert(Into into, List<T> rows, Binder<T> binder) {
    int from = 0;
    for (int count : chunks(rows.size())) {
      var chunk = rows.subList(from, from + count);
      template.update(into.statement(count), ps -> {
        var params = new Params(ps);
        for (var row : chunk) {
          binder.bind(params, row);
        }
      });
      from += count;
    }
  }

  /** The rows of each statement for {@code rows} rows. */
  static List<Integer> chunks(int rows) {
    var chunks = new ArrayList<Integer>();
    for (int left = rows; left > 0; ) {
      int count = Math.min(MAX_ROWS, Integer.highestOneBit(left));
      chunks.add(count);
      left -= count;
    }
    return chunks;
  }

  static String sql(String table, String columns, int width, int rows) {
    var tuple = "(?" + ", ?".repeat(width - 1) + ")";
    var sql = new StringBuilder(32 + table.length() + columns.length() + rows * (tuple.length() + 2))
        .append("INSERT INTO ").append(table).append(" (").append(columns).append(") VALUES ")
        .append(tuple);
    for (int i = 1; i < rows; i++) {
      sql.append(", ").append(tuple);
    }
    return sql.toString();
  }

  /** The parameters of one statement, bound one after the other. */
  public static final class Params {
    private final PreparedStatement ps;
    private int next = 1;

    Params(PreparedStatement ps) {
      this.ps = ps;
    }

    public Params string(String value) throws SQLException {
      ps.setString(next++, value);
      return this;
    }

    /** An {@code INTEGER}; null binds SQL NULL. */
    public Params integer(Integer value) throws SQLException {
      if (value == null) {
        ps.setNull(next++, Types.INTEGER);
      } else {
        ps.setInt(next++, value);
      }
      return this;
    }

    public Params bigint(long value) throws SQLException {
      ps.setLong(next++, value);
      return this;
    }

    /** A {@code TIMESTAMP WITH TIME ZONE}; null binds SQL NULL. */
    public Params timestamp(Instant value) throws SQLException {
      ps.setObject(next++, Sql.ts(value), Types.TIMESTAMP_WITH_TIMEZONE);
      return this;
    }
  }
}
