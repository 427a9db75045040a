package db.migration;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * Drops the foreign keys that every accepted event checked against one shared row: events to
 * their app, deliveries to their integration. On PostgreSQL each check is a per-row trigger that
 * locks the parent row {@code FOR KEY SHARE}; with concurrent ingest requests all locking the same
 * app and integration rows, that is a multixact per row. Apps are never deleted, and a delivery
 * still goes with its integration: through its group, whose foreign keys cascade. (The key from a
 * delivery to its group stays: its group was inserted by the same transaction, so the check locks
 * no shared row. V7 drops it after all: timed per statement, its check was about half the cost
 * of inserting a delivery.)
 *
 * <p>A Java migration because the constraints were created unnamed, and H2 and PostgreSQL named
 * them differently; their names are looked up in the information schema.
 */
public class V6__Drop_foreign_keys_on_hot_inserts extends BaseJavaMigration {

  @Override
  public void migrate(Context context) throws Exception {
    var connection = context.getConnection();
    for (var name : foreignKeys(connection, "events", "app_id")) {
      drop(connection, "events", name);
    }
    for (var name : foreignKeys(connection, "deliveries", "integration_id")) {
      drop(connection, "deliveries", name);
    }
  }

  private static List<String> foreignKeys(Connection connection, String table, String column)
      throws SQLException {
    var names = new ArrayList<String>();
    try (var statement = connection.prepareStatement(
        "SELECT tc.constraint_name FROM information_schema.table_constraints tc"
            + " JOIN information_schema.key_column_usage k"
            + " ON k.constraint_name = tc.constraint_name AND k.table_name = tc.table_name"
            + " AND k.table_schema = tc.table_schema"
            + " WHERE tc.constraint_type = 'FOREIGN KEY' AND tc.table_schema = CURRENT_SCHEMA"
            + " AND LOWER(tc.table_name) = ? AND LOWER(k.column_name) = ?")) {
      statement.setString(1, table);
      statement.setString(2, column);
      try (var rows = statement.executeQuery()) {
        while (rows.next()) {
          names.add(rows.getString(1));
        }
      }
    }
    if (names.isEmpty()) {
      throw new IllegalStateException("No foreign key on " + table + "." + column);
    }
    return names;
  }

  private static void drop(Connection connection, String table, String constraint)
      throws SQLException {
    try (var statement = connection.createStatement()) {
      statement.execute(
          "ALTER TABLE " + table + " DROP CONSTRAINT \"" + constraint.replace("\"", "\"\"") + "\"");
    }
  }
}
