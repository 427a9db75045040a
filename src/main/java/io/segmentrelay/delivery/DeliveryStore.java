package io.segmentrelay.delivery;

import io.segmentrelay.delivery.Delivery.Status;
import io.segmentrelay.integration.HeldDeliveries;
import io.segmentrelay.system.Ids;
import io.segmentrelay.system.RowInserts;
import io.segmentrelay.system.Sql;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The deliveries (frozen track calls, each in a group that holds its state) and their attempt
 * log. Claiming and outcomes live in {@link DeliveryQueue}; this class is what ingest and the API
 * need: inserts, reads for the log, and the admin's pause, resume, retry and replay, kept together
 * because they share the group-splitting rules.
 */
@Repository
public class DeliveryStore implements HeldDeliveries {

  static final String COLUMNS =
      "d.seq, d.id, d.integration_id, d.event_id, d.event_type, d.message_id, g.status, d.payload,"
          + " d.note,"
          + " g.attempt_count, g.next_attempt_at, g.failure_reason, d.created_at, g.delivered_at,"
          + " g.success_at, g.success_duration_ms, g.success_http_status, g.success_response";

  /** Deliveries with their group's state. */
  static final String FROM = " FROM deliveries d JOIN delivery_groups g ON g.id = d.group_id";

  private static final RowInserts.Into GROUPS = new RowInserts.Into("delivery_groups",
      "id, integration_id, size, status, next_attempt_at, created_at, updated_at, lease_owner,"
          + " lease_expires_at");
  private static final RowInserts.Into DELIVERIES = new RowInserts.Into("deliveries",
      "id, group_id, integration_id, event_id, event_type, message_id, payload, created_at, note");

  private final JdbcClient jdbc;
  private final RowInserts rows;
  private final TransactionTemplate tx;

  DeliveryStore(JdbcClient jdbc, RowInserts rows, TransactionTemplate tx) {
    this.jdbc = jdbc;
    this.rows = rows;
    this.tx = tx;
  }

  /**
   * Inserts the deliveries of newly accepted events and their groups, in one batch each. A group
   * with a lease owner is inserted in flight, leased to that owner: its node sends it without
   * claiming it.
   */
  void insertAll(List<Delivery.New> deliveries) {
    if (deliveries.isEmpty()) {
      return;
    }
    var groups = new LinkedHashMap<String, List<Delivery.New>>();
    deliveries.forEach(d -> groups.computeIfAbsent(d.groupId(), id -> new ArrayList<>()).add(d));
    rows.insert(GROUPS, List.copyOf(groups.values()),
        (row, members) -> {
          var d = members.getFirst();
          row.string(d.groupId()).string(d.integrationId()).integer(members.size())
              .string(d.status().wire()).timestamp(d.createdAt()).timestamp(d.createdAt())
              .timestamp(d.createdAt()).string(d.leaseOwner()).timestamp(d.leaseUntil());
        });
    rows.insert(DELIVERIES, deliveries,
        (row, d) -> row.string(d.id()).string(d.groupId()).string(d.integrationId())
            .string(d.eventId()).string(d.eventType()).string(d.messageId()).string(d.payload())
            .timestamp(d.createdAt()).string(d.note()));
  }

  @Override
  public void deleteAll(String integrationId) {
    jdbc.sql("DELETE FROM deliveries WHERE integration_id = ?").param(integrationId).update();
  }

  @Override
  public long countHeld(String integrationId) {
    return count(integrationId, Status.HELD);
  }

  public long count(String integrationId, Status status) {
    return jdbc.sql("SELECT COALESCE(SUM(size), 0) FROM delivery_groups"
            + " WHERE integration_id = ? AND status = ?")
        .params(integrationId, status.wire())
        .query(Long.class)
        .single();
  }

  /** On pause: everything waiting (new or for a retry) is held until resume. */
  @Override
  public void holdWaiting(String integrationId, Instant now) {
    jdbc.sql(
            "UPDATE delivery_groups SET status = 'held', updated_at = ?"
                + " WHERE integration_id = ? AND status = 'pending'")
        .params(Sql.ts(now), integrationId)
        .update();
  }

  /** On resume: held deliveries are due now, and go oldest first (claims order by id). */
  @Override
  public void releaseHeld(String integrationId, Instant now) {
    jdbc.sql(
            "UPDATE delivery_groups SET status = 'pending', next_attempt_at = ?, updated_at = ?"
                + " WHERE integration_id = ? AND status = 'held'")
        .params(Sql.ts(now), Sql.ts(now), integrationId)
        .update();
  }

  /** On resume with discard: held deliveries are never sent. */
  @Override
  public void discardHeld(String integrationId, Instant now) {
    jdbc.sql(
            "UPDATE delivery_groups SET status = 'discarded', next_attempt_at = NULL, updated_at = ?,"
                + " failure_reason = 'Discarded on resume'"
                + " WHERE integration_id = ? AND status = 'held'")
        .params(Sql.ts(now), integrationId)
        .update();
  }

  /** The integration's deliveries, newest first, each with its attempts. */
  public List<Delivery> list(String integrationId, Status status, int limit) {
    var sql =
        "SELECT " + COLUMNS + FROM + " WHERE d.integration_id = ?"
            + (status == null ? "" : " AND g.status = ?")
            + " ORDER BY d.seq DESC LIMIT ?";
    var params = new ArrayList<Object>();
    params.add(integrationId);
    if (status != null) {
      params.add(status.wire());
    }
    params.add(limit);
    var rows = jdbc.sql(sql).params(params).query(DeliveryStore::mapRow).list();
    return withAttempts(rows);
  }

  public Optional<Delivery> find(String integrationId, String deliveryId) {
    return jdbc.sql("SELECT " + COLUMNS + FROM + " WHERE d.integration_id = ? AND d.id = ?")
        .params(integrationId, deliveryId)
        .query(DeliveryStore::mapRow)
        .optional()
        .map(d -> withAttempts(List.of(d)).getFirst());
  }

  /**
   * Makes finished deliveries due again with a fresh retry schedule. The message id stays,
   * so Segment still dedupes a delivery that had in fact arrived. The attempt that delivered a
   * delivery, kept in its group's row, moves to the attempt log first, so the log keeps it. One
   * delivery of a larger group moves to a group of its own first.
   *
   * @return how many deliveries were requeued
   */
  public int requeue(
      String integrationId,
      Collection<Status> statuses,
      String deliveryId,
      Instant since,
      Instant until,
      boolean paused,
      Instant now) {
    return tx.execute(status -> {
      String groupId = null;
      if (deliveryId != null) {
        groupId = ownGroup(integrationId, deliveryId, statuses, now);
        if (groupId == null) {
          return 0;
        }
      }
      var sql = new StringBuilder(" WHERE g.integration_id = ? AND g.status IN (");
      var params = new ArrayList<Object>(List.of(integrationId));
      sql.append(String.join(", ", statuses.stream().map(s -> "?").toList())).append(")");
      statuses.forEach(s -> params.add(s.wire()));
      if (groupId != null) {
        sql.append(" AND g.id = ?");
        params.add(groupId);
      }
      if (since != null) {
        sql.append(" AND g.created_at >= ?");
        params.add(Sql.ts(since));
      }
      if (until != null) {
        sql.append(" AND g.created_at < ?");
        params.add(Sql.ts(until));
      }
      var where = sql.toString();
      int deliveries = jdbc.sql("SELECT COALESCE(SUM(g.size), 0) FROM delivery_groups g" + where)
          .params(params).query(Integer.class).single();
      if (deliveries == 0) {
        return 0;
      }
      jdbc.sql("INSERT INTO delivery_attempts (delivery_id, attempt_no, attempted_at, duration_ms,"
              + " http_status, response_body) SELECT d.id, g.attempt_count, g.success_at,"
              + " g.success_duration_ms, g.success_http_status, g.success_response" + FROM
              + where + " AND g.success_at IS NOT NULL")
          .params(params)
          .update();
      var all = new ArrayList<Object>(List.of(paused ? "held" : "pending", Sql.ts(now), Sql.ts(now)));
      all.addAll(params);
      jdbc.sql("UPDATE delivery_groups g SET status = ?, next_attempt_at = ?, attempt_count = 0,"
              + " failure_reason = NULL, delivered_at = NULL, updated_at = ?,"
              + " success_at = NULL, success_duration_ms = NULL, success_http_status = NULL,"
              + " success_response = NULL" + where)
          .params(all)
          .update();
      return deliveries;
    });
  }

  /**
   * The group holding only this delivery, in one of {@code statuses}: its own group, or a new one
   * it moves to (a copy of its group's state) out of a larger group. Null if there is none.
   */
  private String ownGroup(
      String integrationId, String deliveryId, Collection<Status> statuses, Instant now) {
    var groupOf = jdbc.sql("SELECT group_id FROM deliveries WHERE integration_id = ? AND id = ?")
        .params(integrationId, deliveryId)
        .query(String.class)
        .optional()
        .orElse(null);
    if (groupOf == null) {
      return null;
    }
    // Locked, so two retries at once (or a retry and a claim) take turns; the second then finds
    // the delivery already in its own group.
    jdbc.sql("SELECT id FROM delivery_groups WHERE id = ? FOR UPDATE").param(groupOf)
        .query(String.class).optional();
    var group = jdbc.sql("SELECT g.id, g.size, g.status" + FROM
            + " WHERE d.integration_id = ? AND d.id = ?")
        .params(integrationId, deliveryId)
        .query((rs, n) -> new Object[] {rs.getString(1), rs.getInt(2), rs.getString(3)})
        .optional()
        .orElse(null);
    if (group == null || !group[0].equals(groupOf)
        || !statuses.contains(Status.fromWire((String) group[2]))) {
      return null;
    }
    var groupId = (String) group[0];
    if ((int) group[1] == 1) {
      return groupId;
    }
    var newId = Ids.timeOrdered("grp", now.toEpochMilli());
    jdbc.sql("INSERT INTO delivery_groups (id, integration_id, size, status, attempt_count,"
            + " next_attempt_at, failure_reason, created_at, updated_at, delivered_at, success_at,"
            + " success_duration_ms, success_http_status, success_response)"
            + " SELECT ?, integration_id, 1, status, attempt_count, next_attempt_at, failure_reason,"
            + " created_at, updated_at, delivered_at, success_at, success_duration_ms,"
            + " success_http_status, success_response FROM delivery_groups WHERE id = ?")
        .params(newId, groupId)
        .update();
    jdbc.sql("UPDATE delivery_groups SET size = size - 1 WHERE id = ?").param(groupId).update();
    jdbc.sql("UPDATE deliveries SET group_id = ? WHERE id = ?").params(newId, deliveryId).update();
    return newId;
  }

  private List<Delivery> withAttempts(List<Delivery> rows) {
    if (rows.isEmpty()) {
      return rows;
    }
    var byId = new HashMap<String, List<Delivery.Attempt>>();
    var placeholders = String.join(", ", rows.stream().map(r -> "?").toList());
    jdbc.sql(
            "SELECT delivery_id, attempt_no, attempted_at, duration_ms, http_status, error,"
                + " response_body, next_attempt_at FROM delivery_attempts"
                + " WHERE delivery_id IN (" + placeholders + ") ORDER BY delivery_id, seq")
        .params(rows.stream().map(r -> (Object) r.id()).toList())
        .query(
            rs -> {
              byId
                  .computeIfAbsent(rs.getString("delivery_id"), k -> new ArrayList<>())
                  .add(mapAttempt(rs));
            });
    return rows.stream().map(r -> withAttempts(r, byId)).toList();
  }

  /** The logged attempts, then the one kept in the row (mapped by {@link #mapRow}), if any. */
  private static Delivery withAttempts(Delivery d, Map<String, List<Delivery.Attempt>> byId) {
    var attempts = new ArrayList<>(byId.getOrDefault(d.id(), List.of()));
    attempts.addAll(d.attempts());
    return new Delivery(
        d.seq(), d.id(), d.integrationId(), d.eventId(), d.eventType(), d.messageId(), d.status(),
        d.payload(), d.attemptCount(), d.nextAttemptAt(), d.failureReason(), d.note(),
        d.createdAt(),
        d.deliveredAt(), List.copyOf(attempts));
  }

  private static Delivery.Attempt mapAttempt(ResultSet rs) throws SQLException {
    return new Delivery.Attempt(
        rs.getInt("attempt_no"),
        Sql.instant(rs, "attempted_at"),
        rs.getLong("duration_ms"),
        rs.getObject("http_status", Integer.class),
        rs.getString("error"),
        rs.getString("response_body"),
        Sql.instant(rs, "next_attempt_at"));
  }

  static Delivery mapRow(ResultSet rs, int row) throws SQLException {
    return new Delivery(
        rs.getLong("seq"),
        rs.getString("id"),
        rs.getString("integration_id"),
        rs.getString("event_id"),
        rs.getString("event_type"),
        rs.getString("message_id"),
        Status.fromWire(rs.getString("status")),
        rs.getString("payload"),
        rs.getInt("attempt_count"),
        Sql.instant(rs, "next_attempt_at"),
        rs.getString("failure_reason"),
        rs.getString("note"),
        Sql.instant(rs, "created_at"),
        Sql.instant(rs, "delivered_at"),
        successfulAttempt(rs));
  }

  private static List<Delivery.Attempt> successfulAttempt(ResultSet rs) throws SQLException {
    var at = Sql.instant(rs, "success_at");
    if (at == null) {
      return List.of();
    }
    return List.of(new Delivery.Attempt(
        rs.getInt("attempt_count"), at, rs.getLong("success_duration_ms"),
        rs.getObject("success_http_status", Integer.class), null, rs.getString("success_response"),
        null));
  }
}
