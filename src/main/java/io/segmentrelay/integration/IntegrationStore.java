package io.segmentrelay.integration;

import io.segmentrelay.system.Sql;
import io.segmentrelay.track.LifecycleEvent;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.EnumMap;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** Integrations table. Every read is scoped to an organization except the delivery engine's. */
@Repository
public class IntegrationStore {

  private static final String COLUMNS =
      "id, organization_id, type, name, write_key_mask, endpoint, status, events, created_at,"
          + " updated_at";

  private final JdbcClient jdbc;
  private final JsonMapper json;
  private final WriteKeyCipher cipher;

  IntegrationStore(JdbcClient jdbc, JsonMapper json, WriteKeyCipher cipher) {
    this.jdbc = jdbc;
    this.json = json;
    this.cipher = cipher;
  }

  void insert(Integration integration, String writeKey) {
    jdbc.sql(
            "INSERT INTO integrations (id, organization_id, type, name, write_key_enc,"
                + " write_key_mask, endpoint, status, events, created_at, updated_at)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
        .params(
            integration.id(),
            integration.organizationId(),
            integration.type(),
            integration.name(),
            cipher.encrypt(writeKey, integration.id()),
            integration.writeKeyMask(),
            integration.endpoint(),
            integration.status().wire(),
            eventsJson(integration.events()),
            Sql.ts(integration.createdAt()),
            Sql.ts(integration.updatedAt()))
        .update();
  }

  /** Saves everything but the write key, which only changes through {@link #updateWriteKey}. */
  void update(Integration integration) {
    jdbc.sql(
            "UPDATE integrations SET name = ?, endpoint = ?, status = ?, events = ?,"
                + " updated_at = ? WHERE id = ?")
        .params(
            integration.name(),
            integration.endpoint(),
            integration.status().wire(),
            eventsJson(integration.events()),
            Sql.ts(integration.updatedAt()),
            integration.id())
        .update();
  }

  void updateWriteKey(String id, String writeKey) {
    jdbc.sql("UPDATE integrations SET write_key_enc = ?, write_key_mask = ? WHERE id = ?")
        .params(cipher.encrypt(writeKey, id), WriteKeyCipher.mask(writeKey), id)
        .update();
  }

  /**
   * Deletes the integration, and its delivery groups with it (by cascade). Runs in the caller's
   * transaction, which then deletes its deliveries. The integration goes first: on PostgreSQL an
   * ingest adding a group for it then waits on its row and finds it gone, so no delivery of it is
   * added after its deliveries were deleted.
   */
  boolean delete(String organizationId, String id) {
    return jdbc.sql("DELETE FROM integrations WHERE organization_id = ? AND id = ?")
            .params(organizationId, id)
            .update()
        == 1;
  }

  /** The organization's integration, or empty for another organization's. */
  public Optional<Integration> find(String organizationId, String id) {
    return jdbc.sql("SELECT " + COLUMNS + " FROM integrations WHERE organization_id = ? AND id = ?")
        .params(organizationId, id)
        .query(this::map)
        .optional();
  }

  /** The integration by id alone: for the delivery engine, never for an API caller. */
  public Optional<Integration> findById(String id) {
    return jdbc.sql("SELECT " + COLUMNS + " FROM integrations WHERE id = ?")
        .param(id)
        .query(this::map)
        .optional();
  }

  public List<Integration> list(String organizationId) {
    return jdbc.sql(
            "SELECT " + COLUMNS + " FROM integrations WHERE organization_id = ? ORDER BY created_at, id")
        .param(organizationId)
        .query(this::map)
        .list();
  }

  /** An integration with its write key, decrypted: what sending to it needs. */
  public record Sending(Integration integration, String writeKey) {

    @Override
    public String toString() { // never the key itself
      return "Sending[integration=" + integration.id() + ", writeKey="
          + WriteKeyCipher.mask(writeKey) + "]";
    }
  }

  /**
   * The integration and its write key, in one read at each delivery attempt and test call (so a
   * fixed key applies at once): for the delivery engine, never for an API caller.
   */
  public Optional<Sending> findForSending(String id) {
    return jdbc.sql("SELECT " + COLUMNS + ", write_key_enc FROM integrations WHERE id = ?")
        .param(id)
        .query((rs, n) -> new Sending(map(rs, n), cipher.decrypt(rs.getString("write_key_enc"), id)))
        .optional();
  }

  private Integration map(ResultSet rs, int row) throws SQLException {
    return new Integration(
        rs.getString("id"),
        rs.getString("organization_id"),
        rs.getString("type"),
        rs.getString("name"),
        rs.getString("write_key_mask"),
        rs.getString("endpoint"),
        Integration.Status.valueOf(rs.getString("status").toUpperCase()),
        parseEvents(rs.getString("events")),
        Sql.instant(rs, "created_at"),
        Sql.instant(rs, "updated_at"));
  }

  private String eventsJson(EventSettings events) {
    var node = json.createObjectNode();
    events.settings().forEach(
        (event, setting) ->
            node.putObject(event.key())
                .put("enabled", setting.enabled())
                .put("name", setting.name()));
    return json.writeValueAsString(node);
  }

  private EventSettings parseEvents(String text) {
    var node = (ObjectNode) json.readTree(text);
    var map = new EnumMap<LifecycleEvent, EventSettings.Setting>(LifecycleEvent.class);
    for (var event : LifecycleEvent.values()) {
      var entry = node.get(event.key());
      map.put(
          event,
          entry == null
              ? new EventSettings.Setting(true, event.canonicalName())
              : new EventSettings.Setting(
                  entry.get("enabled").booleanValue(), entry.get("name").asString()));
    }
    return new EventSettings(map);
  }

}
