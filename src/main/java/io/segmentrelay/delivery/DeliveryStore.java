package io.segmentrelay.delivery;

import io.segmentrelay.delivery.Delivery.Status;
import io.segmentrelay.system.Sql;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The deliveries table: the durable queue of frozen track calls, and their attempt log. Claiming
 * and outcomes live in {@link DeliveryQueue}; this class is what ingest and the API need.
 */
@Repository
public class DeliveryStore {

  static final String COLUMNS =
      "d.seq, d.id, d.integration_id, d.event_id, d.event_type, d.message_id, d.status, p.payload,"
          + " d.attempt_count, d.next_attempt_at, d.failure_reason, d.created_at, d.delivered_at,"
          + " d.success_at, d.success_duration_ms, d.success_http_status, d.success_response";

  /** Deliveries with their payloads. */
  static final String FROM = " FROM deliveries d JOIN delivery_payloads p ON p.delivery_id = d.id";

  private final JdbcClient jdbc;
  private final JdbcTemplate template;
  private final TransactionTemplate tx;

  DeliveryStore(JdbcClient jdbc, JdbcTemplate template, TransactionTemplate tx) {
    this.jdbc = jdbc;
    this.template = template;
    this.tx = tx;
  }

  /**
   * Inserts the deliveries of newly accepted events, in one batch. A delivery with a lease owner is
   * inserted in flight, leased to that owner: its node sends it without claiming it.
   */
  public void insertAll(List<Delivery.New> deliveries) {
    if (deliveries.isEmpty()) {
      return;
    }
    template.batchUpdate(
        "INSERT INTO deliveries (id, integration_id, organization_id, event_id, event_type,"
            + " message_id, status, payload_bytes, next_attempt_at, created_at,"
            + " updated_at, lease_owner, lease_expires_at)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        deliveries,
        500,
        (ps, d) -> {
          var now = Sql.ts(d.createdAt());
          ps.setString(1, d.id());
          ps.setString(2, d.integrationId());
          ps.setString(3, d.organizationId());
          ps.setString(4, d.eventId());
          ps.setString(5, d.eventType());
          ps.setString(6, d.messageId());
          ps.setString(7, d.status().wire());
          ps.setInt(8, d.payload().length());
          ps.setObject(9, now);
          ps.setObject(10, now);
          ps.setObject(11, now);
          ps.setString(12, d.leaseOwner());
          ps.setObject(13, Sql.ts(d.leaseUntil()), java.sql.Types.TIMESTAMP_WITH_TIMEZONE);
        });
    template.batchUpdate(
        "INSERT INTO delivery_payloads (delivery_id, payload) VALUES (?, ?)",
        deliveries,
        500,
        (ps, d) -> {
          ps.setString(1, d.id());
          ps.setString(2, d.payload());
        });
  }

  public long countHeld(String integrationId) {
    return count(integrationId, Status.HELD);
  }

  public long count(String integrationId, Status status) {
    return jdbc.sql("SELECT COUNT(*) FROM deliveries WHERE integration_id = ? AND status = ?")
        .params(integrationId, status.wire())
        .query(Long.class)
        .single();
  }

  /** On pause: everything waiting (new or for a retry) is held until resume. */
  public void holdWaiting(String integrationId, Instant now) {
    jdbc.sql(
            "UPDATE deliveries SET status = 'held', updated_at = ?"
                + " WHERE integration_id = ? AND status = 'pending'")
        .params(Sql.ts(now), integrationId)
        .update();
  }

  /** On resume: held deliveries are due now, and go oldest first (claims order by seq). */
  public void releaseHeld(String integrationId, Instant now) {
    jdbc.sql(
            "UPDATE deliveries SET status = 'pending', next_attempt_at = ?, updated_at = ?"
                + " WHERE integration_id = ? AND status = 'held'")
        .params(Sql.ts(now), Sql.ts(now), integrationId)
        .update();
  }

  /** On resume with discard: held deliveries are never sent. */
  public void discardHeld(String integrationId, Instant now) {
    jdbc.sql(
            "UPDATE deliveries SET status = 'discarded', next_attempt_at = NULL, updated_at = ?,"
                + " failure_reason = 'Discarded on resume'"
                + " WHERE integration_id = ? AND status = 'held'")
        .params(Sql.ts(now), integrationId)
        .update();
  }

  /** The integration's deliveries, newest first, each with its attempts. */
  public List<Delivery> list(String integrationId, Status status, int limit) {
    var sql =
        "SELECT " + COLUMNS + FROM + " WHERE d.integration_id = ?"
            + (status == null ? "" : " AND d.status = ?")
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
   * Makes finished deliveries due again with a fresh retry schedule (L7). The message id stays,
   * so Segment still dedupes a delivery that had in fact arrived. The attempt that delivered a
   * delivery, kept in its row, moves to the attempt log first, so the log keeps it.
   *
   * @return how many were requeued
   */
  public int requeue(
      String integrationId,
      Collection<Status> statuses,
      String deliveryId,
      Instant since,
      Instant until,
      boolean paused,
      Instant now) {
    var sql = new StringBuilder(" WHERE integration_id = ? AND status IN (");
    var params = new ArrayList<Object>(List.of(integrationId));
    sql.append(String.join(", ", statuses.stream().map(s -> "?").toList())).append(")");
    statuses.forEach(s -> params.add(s.wire()));
    if (deliveryId != null) {
      sql.append(" AND id = ?");
      params.add(deliveryId);
    }
    if (since != null) {
      sql.append(" AND created_at >= ?");
      params.add(Sql.ts(since));
    }
    if (until != null) {
      sql.append(" AND created_at < ?");
      params.add(Sql.ts(until));
    }
    var where = sql.toString();
    var set = List.<Object>of(paused ? "held" : "pending", Sql.ts(now), Sql.ts(now));
    return tx.execute(status -> {
      jdbc.sql("INSERT INTO delivery_attempts (delivery_id, attempt_no, attempted_at, duration_ms,"
              + " http_status, response_body) SELECT id, attempt_count, success_at,"
              + " success_duration_ms, success_http_status, success_response FROM deliveries"
              + where + " AND success_at IS NOT NULL")
          .params(params)
          .update();
      var all = new ArrayList<>(set);
      all.addAll(params);
      return jdbc.sql("UPDATE deliveries SET status = ?, next_attempt_at = ?, attempt_count = 0,"
              + " failure_reason = NULL, delivered_at = NULL, updated_at = ?,"
              + " success_at = NULL, success_duration_ms = NULL, success_http_status = NULL,"
              + " success_response = NULL" + where)
          .params(all)
          .update();
    });
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
        d.payload(), d.attemptCount(), d.nextAttemptAt(), d.failureReason(), d.createdAt(),
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
