package db.migration;

import java.sql.Connection;
import java.sql.SQLException;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * On H2, the identity columns of the tables written for every event (events, deliveries) hand out
 * their values from a cache of 1,000 instead of H2's 32. Each time the cache runs out, H2 writes
 * the sequence's state through the database's one system session, under its lock; at 20,000
 * events a second that was over a thousand times a second, and concurrent ingest requests queued
 * for that lock.
 *
 * <p>H2 hands out cached values in order across sessions, so the order of {@code seq} still follows
 * the order of the inserts; a crash may leave a gap. PostgreSQL is left as it is: its sequence
 * caches are per session, which would break that order.
 */
public class V9__H2_identity_cache extends BaseJavaMigration {

  @Override
  public void migrate(Context context) throws Exception {
    var connection = context.getConnection();
    if (!isH2(connection)) {
      return;
    }
    try (var statement = connection.createStatement()) {
      statement.execute("ALTER TABLE events ALTER COLUMN seq SET CACHE 1000");
      statement.execute("ALTER TABLE deliveries ALTER COLUMN seq SET CACHE 1000");
    }
  }

  private static boolean isH2(Connection connection) throws SQLException {
    return connection.getMetaData().getDatabaseProductName().equalsIgnoreCase("H2");
  }
}
