package io.segmentrelay.system;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/** Time conversions that behave the same on H2 and PostgreSQL. */
public final class Sql {

  private Sql() {}

  /** An instant as a bind value for a {@code TIMESTAMP WITH TIME ZONE} column. */
  public static OffsetDateTime ts(Instant instant) {
    return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
  }

  /** Reads a {@code TIMESTAMP WITH TIME ZONE} column; null stays null. */
  public static Instant instant(ResultSet rs, String column) throws SQLException {
    var value = rs.getObject(column, OffsetDateTime.class);
    return value == null ? null : value.toInstant();
  }

  /** Reads a {@code TIMESTAMP WITH TIME ZONE} column by index; null stays null. */
  public static Instant instant(ResultSet rs, int column) throws SQLException {
    var value = rs.getObject(column, OffsetDateTime.class);
    return value == null ? null : value.toInstant();
  }
}
