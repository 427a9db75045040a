package db.migration;

import io.segmentrelay.system.InputChecks;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * Replaces lone surrogates (half of a UTF-16 pair, which is not text) in stored event data with
 * U+FFFD. The API used to accept them; H2 stored them as they came, and every reader that writes
 * such a row as UTF-8 (the delivery log, the track call to Segment) then failed for the event and
 * every later event of that person. Ingest refuses them now. PostgreSQL cannot hold them at all
 * (its driver writes {@code ?} instead), so it has nothing to repair.
 */
public class V11__Repair_lone_surrogates extends BaseJavaMigration {

  /** Java's regex reads a well-formed pair as one code point, so this finds lone halves only. */
  private static final String LONE_SURROGATE = "[\\x{D800}-\\x{DFFF}]";

  /**
   * Table, the columns that find a row, and the column to repair. Keys holding one (an anonymous
   * id, a profile key) are left: ingest no longer takes such ids, so no later event can reach
   * them, while their values (a linked user id, traits) flow into every later track call.
   */
  private record Target(String table, String key, String column) {}

  private static final List<Target> TARGETS = List.of(
      new Target("deliveries", "id", "payload"),
      new Target("deliveries", "id", "event_id"),
      new Target("profiles", "organization_id, profile_key", "traits"),
      new Target("identity_links", "seq", "user_id"),
      new Target("organizations", "id", "name"),
      new Target("apps", "id", "name"),
      new Target("integrations", "id", "name"),
      new Target("integrations", "id", "events"));

  @Override
  public void migrate(Context context) throws Exception {
    var connection = context.getConnection();
    if (!connection.getMetaData().getDatabaseProductName().equalsIgnoreCase("H2")) {
      return;
    }
    for (var target : TARGETS) {
      repair(connection, target);
    }
  }

  private static void repair(Connection connection, Target target) throws SQLException {
    var keys = target.key().split(", ");
    var rows = new ArrayList<String[]>();
    try (var select = connection.prepareStatement("SELECT " + target.key() + ", " + target.column()
        + " FROM " + target.table() + " WHERE REGEXP_LIKE(" + target.column() + ", ?)")) {
      select.setString(1, LONE_SURROGATE);
      try (var result = select.executeQuery()) {
        while (result.next()) {
          var row = new String[keys.length + 1];
          for (int i = 0; i <= keys.length; i++) {
            row[i] = result.getString(i + 1);
          }
          rows.add(row);
        }
      }
    }
    var where = String.join(" = ? AND ", keys) + " = ?";
    try (var update = connection.prepareStatement("UPDATE " + target.table() + " SET "
        + target.column() + " = ? WHERE " + where)) {
      for (var row : rows) {
        update.setString(1, InputChecks.withoutLoneSurrogates(row[keys.length]));
        for (int i = 0; i < keys.length; i++) {
          update.setString(i + 2, row[i]);
        }
        update.addBatch();
      }
      update.executeBatch();
    }
  }
}
