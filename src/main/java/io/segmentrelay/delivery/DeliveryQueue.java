package io.segmentrelay.delivery;

import io.segmentrelay.system.SetParameter;
import io.segmentrelay.system.Sql;
import java.sql.Types;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.springframework.jdbc.core.SqlParameterValue;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The queue side of the deliveries table: claiming due rows under a lease, recording outcomes,
 * reclaiming expired leases (L5). Every statement takes {@code now} from the caller's clock.
 */
@Repository
class DeliveryQueue {

  /** Characters of Segment's answer kept per attempt (the column holds 1,100). */
  private static final int MAX_RESPONSE_BODY = 1024;

  private final JdbcClient jdbc;
  private final JdbcTemplate template;
  private final TransactionTemplate tx;
  private final boolean postgres;
  private final SetParameter set;

  DeliveryQueue(JdbcClient jdbc, JdbcTemplate template, TransactionTemplate tx, SetParameter set) {
    this.jdbc = jdbc;
    this.template = template;
    this.tx = tx;
    this.set = set;
    this.postgres = set.postgres();
  }

  /**
   * Nodes sharing a PostgreSQL claim in one statement and skip each other's locked rows instead of
   * waiting. H2 is embedded, so only one node (and in it, only the dispatcher loop) claims; there
   * the due rows are selected, then updated by key, since H2 evaluates an {@code IN (SELECT … ORDER
   * BY … LIMIT)} slowly. The {@code status = 'pending'} re-check keeps either way exclusive.
   */
  private static final String CLAIM_POSTGRES =
      "UPDATE deliveries SET status = 'in_flight', lease_owner = ?, lease_expires_at = ?,"
          + " updated_at = ?"
          + " WHERE status = 'pending' AND seq IN (SELECT seq FROM deliveries WHERE integration_id = ?"
          + " AND status = 'pending' AND next_attempt_at <= ?"
          + " ORDER BY integration_id, status, next_attempt_at, seq LIMIT ? FOR UPDATE SKIP LOCKED)";

  /**
   * Claims order by the whole claim index, equal columns included: H2 then reads the rows in
   * index order instead of sorting every due row, which matters once a backlog builds up.
   */
  private static final String DUE_SEQS =
      "SELECT seq FROM deliveries WHERE integration_id = ? AND status = 'pending'"
          + " AND next_attempt_at <= ? ORDER BY integration_id, status, next_attempt_at, seq LIMIT ?";

  private static final String CLAIM_BY_KEY =
      "UPDATE deliveries SET status = 'in_flight', lease_owner = ?, lease_expires_at = ?,"
          + " updated_at = ? WHERE status = 'pending' AND ";

  /** Claims due rows and returns their keys. */
  private List<Long> claimRows(
      String integrationId, String owner, Instant now, Instant leaseUntil, int limit) {
    if (postgres) {
      return jdbc.sql(CLAIM_POSTGRES + " RETURNING seq")
          .params(owner, Sql.ts(leaseUntil), Sql.ts(now), integrationId, Sql.ts(now), limit)
          .query(Long.class)
          .list();
    }
    var due = jdbc.sql(DUE_SEQS).params(integrationId, Sql.ts(now), limit).query(Long.class).list();
    if (!due.isEmpty()) {
      // Rows that stopped being pending in between (a pause) are not updated, and the read-back
      // by lease owner leaves them out.
      jdbc.sql(CLAIM_BY_KEY + set.in("seq", due))
          .params(set.values(List.of(owner, Sql.ts(leaseUntil), Sql.ts(now)), due, Long.class))
          .update();
    }
    return due;
  }


  /**
   * A delivery leased to this node, as the worker needs it: claimed from the queue, or handed over
   * by ingest right after the commit that inserted it under the lease.
   */
  record Claimed(
      String id, String owner, Instant leaseUntil, String messageId, String payload,
      int attemptCount, Instant createdAt) {}

  /** What to write back for one claimed delivery. */
  record Outcome(
      Claimed delivery,
      String leaseOwner,
      Delivery.Status status,
      Instant nextAttemptAt,
      String failureReason,
      Instant deliveredAt,
      boolean attempted,
      List<Delivery.Attempt> attempts,
      Instant at) {}

  List<String> activeIntegrationIds() {
    return jdbc.sql("SELECT id FROM integrations WHERE status = 'active' ORDER BY id")
        .query(String.class)
        .list();
  }

  /**
   * Claims up to {@code limit} due deliveries of one integration, oldest first, under a lease
   * owned by {@code owner}, and returns them. Rows locked by another node are skipped, not waited
   * for.
   */
  List<Claimed> claim(String integrationId, String owner, Instant now, Instant leaseUntil, int limit) {
    return tx.execute(
        status -> {
          var claimed = claimRows(integrationId, owner, now, leaseUntil, limit);
          if (claimed.isEmpty()) {
            return List.<Claimed>of();
          }
          return jdbc.sql(
                  "SELECT d.id, d.message_id, p.payload, d.attempt_count, d.created_at"
                      + " FROM deliveries d"
                      + " JOIN delivery_payloads p ON p.delivery_id = d.id"
                      + " WHERE d.lease_owner = ? AND " + set.in("d.seq", claimed)
                      + " ORDER BY d.next_attempt_at, d.seq")
              .params(set.values(List.of(owner), claimed, Long.class))
              .query(
                  (rs, n) ->
                      new Claimed(
                          rs.getString("id"),
                          owner,
                          leaseUntil,
                          rs.getString("message_id"),
                          rs.getString("payload"),
                          rs.getInt("attempt_count"),
                          Sql.instant(rs, "created_at")))
              .list();
        });
  }

  /**
   * Writes outcomes and their attempt log in one transaction. An outcome whose lease was lost
   * (another node reclaimed the row) changes nothing: the other node owns the row now.
   */
  void record(List<Outcome> outcomes) {
    if (outcomes.isEmpty()) {
      return;
    }
    tx.executeWithoutResult(
        status -> {
          outcomes.stream()
              .collect(Collectors.groupingBy(Change::of, LinkedHashMap::new, Collectors.toList()))
              .forEach(this::apply);
          insertAttempts(outcomes);
        });
  }

  /**
   * What an outcome writes, apart from which row: outcomes of one claim mostly share it (a batch
   * delivered together), so they are written by one statement per change.
   */
  private record Change(
      String leaseOwner, Delivery.Status status, Instant nextAttemptAt, String failureReason,
      Instant deliveredAt, boolean attempted, Instant at, Delivery.Attempt success) {

    static Change of(Outcome o) {
      var success = successOf(o);
      if (success != null) {
        success = new Delivery.Attempt(0, success.at(), success.durationMs(), success.httpStatus(),
            null, truncate(success.responseBody(), MAX_RESPONSE_BODY), null);
      }
      return new Change(o.leaseOwner(), o.status(), o.nextAttemptAt(),
          truncate(o.failureReason(), 1000), o.deliveredAt(), o.attempted(), o.at(), success);
    }
  }

  /** The attempt that delivered it, kept in the delivery's row; null unless delivered now. */
  private static Delivery.Attempt successOf(Outcome o) {
    return o.status() == Delivery.Status.DELIVERED && !o.attempts().isEmpty()
        ? o.attempts().getLast() : null;
  }

  /** The attempts that get rows of their own: all but one kept in the delivery's row. */
  private static List<Delivery.Attempt> attemptRows(Outcome o) {
    return successOf(o) == null ? o.attempts() : o.attempts().subList(0, o.attempts().size() - 1);
  }

  /**
   * The lease owner is unique to a claim and cleared by its outcome: a row reclaimed since has
   * another, and is skipped. Rows are found by key only, so the plan is a unique-index lookup.
   */
  private void apply(Change change, List<Outcome> outcomes) {
    var ids = outcomes.stream().map(o -> o.delivery().id()).toList();
    var success = change.success();
    var params = List.<Object>of(
        change.status().wire(), ts(change.nextAttemptAt()), nullable(change.failureReason()),
        ts(change.deliveredAt()), change.attempted() ? 1 : 0, Sql.ts(change.at()),
        ts(success == null ? null : success.at()),
        new SqlParameterValue(Types.BIGINT, success == null ? null : success.durationMs()),
        new SqlParameterValue(Types.INTEGER, success == null ? null : success.httpStatus()),
        nullable(success == null ? null : success.responseBody()),
        change.leaseOwner());
    jdbc.sql(
            "UPDATE deliveries SET status = ?, next_attempt_at = ?, failure_reason = ?,"
                + " delivered_at = ?, attempt_count = attempt_count + ?, lease_owner = NULL,"
                + " lease_expires_at = NULL, updated_at = ?,"
                + " success_at = ?, success_duration_ms = ?, success_http_status = ?,"
                + " success_response = ?"
                + " WHERE lease_owner = ? AND " + set.in("id", ids))
        .params(set.values(params, ids, String.class))
        .update();
  }

  /** Binds a possibly null timestamp with its SQL type, which a bare null would not carry. */
  private static SqlParameterValue ts(Instant instant) {
    return new SqlParameterValue(Types.TIMESTAMP_WITH_TIMEZONE, Sql.ts(instant));
  }

  private static SqlParameterValue nullable(String text) {
    return new SqlParameterValue(Types.VARCHAR, text);
  }


  private void insertAttempts(List<Outcome> outcomes) {
    var rows =
        outcomes.stream()
            .flatMap(o -> attemptRows(o).stream().map(a -> new Object[] {o.delivery().id(), a}))
            .toList();
    if (rows.isEmpty()) {
      return;
    }
    template.batchUpdate(
        "INSERT INTO delivery_attempts (delivery_id, attempt_no, attempted_at, duration_ms,"
            + " http_status, error, response_body, next_attempt_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        rows,
        500,
        (ps, row) -> {
          var a = (Delivery.Attempt) row[1];
          ps.setString(1, (String) row[0]);
          ps.setInt(2, a.number());
          ps.setObject(3, Sql.ts(a.at()));
          ps.setLong(4, a.durationMs());
          ps.setObject(5, a.httpStatus());
          ps.setString(6, truncate(a.error(), 1000));
          ps.setString(7, truncate(a.responseBody(), MAX_RESPONSE_BODY));
          ps.setObject(8, Sql.ts(a.nextAttemptAt()));
        });
  }

  /** Expired leases (their node died or stalled) go back to pending, due now. */
  int reclaimExpiredLeases(Instant now) {
    return jdbc.sql(
            "UPDATE deliveries SET status = 'pending', next_attempt_at = ?, lease_owner = NULL,"
                + " lease_expires_at = NULL, updated_at = ?"
                + " WHERE status = 'in_flight' AND lease_expires_at <= ?")
        .params(Sql.ts(now), Sql.ts(now), Sql.ts(now))
        .update();
  }

  /** On shutdown: this node's unfinished claims go back to pending for any node to take. */
  int releaseLeases(String ownerPrefix, Instant now) {
    return jdbc.sql(
            "UPDATE deliveries SET status = 'pending', lease_owner = NULL, lease_expires_at = NULL,"
                + " updated_at = ?"
                + " WHERE status = 'in_flight' AND lease_owner LIKE ?")
        .params(Sql.ts(now), ownerPrefix + "%")
        .update();
  }

  /** When the dispatcher next has something to do: a due attempt or an expiring lease. */
  Optional<Instant> nextWakeUp() {
    var due =
        jdbc.sql(
                "SELECT MIN((SELECT d.next_attempt_at FROM deliveries d"
                    + " WHERE d.integration_id = i.id AND d.status = 'pending'"
                    + " ORDER BY d.integration_id, d.status, d.next_attempt_at LIMIT 1))"
                    + " FROM integrations i"
                    + " WHERE i.status = 'active'")
            .query((rs, n) -> Sql.instant(rs, 1))
            .optional();
    // The first row in index order, not MIN(): H2 would read every lease to find the smallest.
    var lease =
        jdbc.sql("SELECT lease_expires_at FROM deliveries WHERE status = 'in_flight'"
                + " ORDER BY status, lease_expires_at LIMIT 1")
            .query((rs, n) -> Sql.instant(rs, 1))
            .optional();
    return earliest(due.orElse(null), lease.orElse(null));
  }

  private static Optional<Instant> earliest(Instant a, Instant b) {
    if (a == null) {
      return Optional.ofNullable(b);
    }
    return Optional.of(b == null || a.isBefore(b) ? a : b);
  }

  private static String truncate(String text, int max) {
    return text == null || text.length() <= max ? text : text.substring(0, max);
  }
}
