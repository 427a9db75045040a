package io.segmentrelay.delivery;

import io.segmentrelay.system.Ids;
import io.segmentrelay.system.RowInserts;
import io.segmentrelay.system.Dialect;
import io.segmentrelay.system.Sql;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.springframework.jdbc.core.SqlParameterValue;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The queue: groups of deliveries (those of one ingest request to one integration) in {@code
 * delivery_groups}, claimed under a lease, given their outcomes, reclaimed when a lease expires.
 * Every statement takes {@code now} from the caller's clock. Longer than most files: every change
 * of a group's state by the dispatcher (claim, outcome, lease) is here, in one place.
 */
@Repository
class DeliveryQueue {

  /** Characters of Segment's answer kept per attempt (the column holds 1,100). */
  private static final int MAX_RESPONSE_BODY = 1024;

  private static final RowInserts.Into ATTEMPTS = new RowInserts.Into("delivery_attempts",
      "delivery_id, attempt_no, attempted_at, duration_ms, http_status, error, response_body,"
          + " next_attempt_at");

  private final JdbcClient jdbc;
  private final RowInserts rowInserts;
  private final TransactionTemplate tx;
  private final boolean postgres;
  private final Dialect set;

  DeliveryQueue(JdbcClient jdbc, RowInserts rowInserts, TransactionTemplate tx, Dialect set) {
    this.jdbc = jdbc;
    this.rowInserts = rowInserts;
    this.tx = tx;
    this.set = set;
    this.postgres = set.postgres();
  }

  /**
   * A group leased to this node, as the worker needs it: claimed from the queue, or handed over by
   * ingest right after the commit that inserted it under the lease. Its members are sent together
   * and share its state unless their outcomes differ.
   */
  record Claimed(
      String id, String integrationId, String owner, Instant leaseUntil, int attemptCount,
      Instant createdAt, List<Member> members) {

    int size() {
      return members.size();
    }
  }

  /** One delivery of a claimed group. */
  record Member(String id, String messageId, String payload) {}

  /** What to write back for one delivery of a claimed group. */
  record Outcome(
      Claimed group,
      Member member,
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
   * Claims due groups of one integration, oldest first, holding up to {@code limit} deliveries
   * (at least one group), under a lease owned by {@code owner}, and returns them. On PostgreSQL,
   * groups locked by another node's claim are skipped, not waited for.
   */
  List<Claimed> claim(String integrationId, String owner, Instant now, Instant leaseUntil, int limit) {
    return tx.execute(status -> {
      var groups = postgres
          ? claimInOneStatement(integrationId, owner, now, leaseUntil, limit)
          : claimByKeys(integrationId, owner, now, leaseUntil, limit);
      return groups.isEmpty() ? List.<Claimed>of() : withMembers(groups);
    });
  }

  /**
   * PostgreSQL: selects the due groups holding up to {@code limit} deliveries, locks those no
   * other node is claiming, and leases them, in one statement.
   */
  private static final String CLAIM = """
      WITH due AS (
        SELECT id, SUM(size) OVER (ORDER BY next_attempt_at, id) - size AS ahead
        FROM delivery_groups
        WHERE integration_id = ? AND status = 'pending' AND next_attempt_at <= ?
        ORDER BY integration_id, status, next_attempt_at, id LIMIT ?),
      locked AS (
        SELECT g.id FROM delivery_groups g JOIN due ON due.id = g.id
        WHERE due.ahead < ? AND g.status = 'pending'
        FOR UPDATE OF g SKIP LOCKED)
      UPDATE delivery_groups g SET status = 'in_flight', lease_owner = ?, lease_expires_at = ?,
        updated_at = ?
      FROM locked WHERE g.id = locked.id
      RETURNING g.id, g.attempt_count, g.created_at, g.next_attempt_at""";

  private LinkedHashMap<String, Claimed> claimInOneStatement(
      String integrationId, String owner, Instant now, Instant leaseUntil, int limit) {
    record Row(Claimed group, Instant due) {}
    var rows = jdbc.sql(CLAIM)
        .params(integrationId, Sql.ts(now), limit, limit, owner, Sql.ts(leaseUntil), Sql.ts(now))
        .query((rs, n) -> new Row(new Claimed(rs.getString("id"), integrationId, owner, leaseUntil,
            rs.getInt("attempt_count"), Sql.instant(rs, "created_at"), new ArrayList<>()),
            Sql.instant(rs, "next_attempt_at")))
        .list();
    var groups = new LinkedHashMap<String, Claimed>();
    rows.stream()
        .sorted(Comparator.comparing(Row::due).thenComparing(r -> r.group().id()))
        .forEach(r -> groups.put(r.group().id(), r.group()));
    return groups;
  }

  /** H2, which has no {@code UPDATE … RETURNING}: select, update by key, read back by owner. */
  private LinkedHashMap<String, Claimed> claimByKeys(
      String integrationId, String owner, Instant now, Instant leaseUntil, int limit) {
    var groups = new LinkedHashMap<String, Claimed>();
    var ids = dueGroups(integrationId, now, limit);
    if (ids.isEmpty()) {
      return groups;
    }
    // Groups that stopped being pending in between (a pause) are not updated, and the read-back
    // by lease owner leaves them out.
    jdbc.sql("UPDATE delivery_groups SET status = 'in_flight', lease_owner = ?,"
            + " lease_expires_at = ?, updated_at = ? WHERE status = 'pending' AND "
            + set.in("id", ids))
        .params(set.values(List.of(owner, Sql.ts(leaseUntil), Sql.ts(now)), ids, String.class))
        .update();
    jdbc.sql("SELECT id, attempt_count, created_at FROM delivery_groups WHERE lease_owner = ? AND "
            + set.in("id", ids) + " ORDER BY next_attempt_at, id")
        .params(set.values(List.of(owner), ids, String.class))
        .query(rs -> {
          var id = rs.getString("id");
          groups.put(id, new Claimed(id, integrationId, owner, leaseUntil,
              rs.getInt("attempt_count"), Sql.instant(rs, "created_at"), new ArrayList<>()));
        });
    return groups;
  }

  /** The claimed groups with their deliveries, in order. */
  private List<Claimed> withMembers(LinkedHashMap<String, Claimed> groups) {
    jdbc.sql("SELECT id, group_id, message_id, payload FROM deliveries WHERE "
            + set.in("group_id", groups.keySet()) + " ORDER BY seq")
        .params(set.values(List.of(), groups.keySet(), String.class))
        .query(rs -> {
          groups.get(rs.getString("group_id")).members().add(new Member(
              rs.getString("id"), rs.getString("message_id"), rs.getString("payload")));
        });
    // A group without deliveries (deleted meanwhile) has nothing to send: drop it.
    var empty = groups.values().stream().filter(g -> g.members().isEmpty()).map(Claimed::id).toList();
    if (!empty.isEmpty()) {
      jdbc.sql("DELETE FROM delivery_groups WHERE " + set.in("id", empty))
          .params(set.values(List.of(), empty, String.class))
          .update();
      empty.forEach(groups::remove);
    }
    return List.copyOf(groups.values());
  }

  private static final String DUE =
      "SELECT id, size FROM delivery_groups WHERE integration_id = ? AND status = 'pending'"
          + " AND next_attempt_at <= ? ORDER BY integration_id, status, next_attempt_at, id LIMIT ?";

  /**
   * The oldest due groups holding up to {@code limit} deliveries. Claims order by the whole claim
   * index, equal columns included, so the rows are read in index order instead of sorted.
   */
  private List<String> dueGroups(String integrationId, Instant now, int limit) {
    // Groups usually hold many deliveries: look at a few first, and at more only if they are small.
    Due due;
    for (int fetch = Math.min(limit, 64); ; fetch = limit) {
      due = due(DUE, integrationId, now, fetch, limit);
      if (due.deliveries() >= limit || due.rows() < fetch || fetch == limit) {
        break;
      }
    }
    return due.ids();
  }

  /** Due groups read, the first of them holding up to {@code limit} deliveries, and their count. */
  private record Due(List<String> ids, int deliveries, int rows) {}

  private Due due(String sql, String integrationId, Instant now, int fetch, int limit) {
    var ids = new ArrayList<String>();
    int[] deliveries = {0};
    int[] rows = {0};
    jdbc.sql(sql).params(integrationId, Sql.ts(now), fetch).query(rs -> {
      rows[0]++;
      if (deliveries[0] < limit) {
        ids.add(rs.getString("id"));
        deliveries[0] += rs.getInt("size");
      }
    });
    return new Due(ids, deliveries[0], rows[0]);
  }


  /**
   * Writes outcomes and their attempt log in one transaction. A group whose members all had the
   * same outcome is updated as one row; outcomes alike across groups share one statement. When a
   * group's members part ways, the group keeps the largest share and each other outcome moves its
   * deliveries into a new group. A group whose lease was lost (another node reclaimed it) changes
   * nothing: the other node owns it now.
   */
  void record(List<Outcome> outcomes) {
    if (outcomes.isEmpty()) {
      return;
    }
    tx.executeWithoutResult(status -> {
      var byGroup = outcomes.stream().collect(Collectors.groupingBy(
          o -> o.group().id(), LinkedHashMap::new,
          Collectors.groupingBy(Change::of, LinkedHashMap::new, Collectors.toList())));
      var whole = new LinkedHashMap<Change, List<String>>();
      byGroup.forEach((groupId, changes) -> {
        if (changes.size() == 1) {
          whole.computeIfAbsent(changes.keySet().iterator().next(), c -> new ArrayList<>())
              .add(groupId);
        } else {
          split(changes);
        }
      });
      whole.forEach((change, groupIds) -> apply(change, groupIds, null));
      insertAttempts(outcomes);
    });
  }

  /**
   * What an outcome writes to its group, apart from which group: the deliveries of one group sent
   * together mostly share it, and so do groups sent in the same request.
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
      return new Change(o.group().owner(), o.status(), o.nextAttemptAt(),
          truncate(o.failureReason(), 1000), o.deliveredAt(), o.attempted(), o.at(), success);
    }
  }

  /**
   * The attempt that delivered it, kept in the group's row; null unless delivered now. Kept there
   * because an attempt row per delivered event cost a fifth of the throughput when measured.
   */
  private static Delivery.Attempt successOf(Outcome o) {
    return o.status() == Delivery.Status.DELIVERED && !o.attempts().isEmpty()
        ? o.attempts().getLast() : null;
  }

  /** The attempts that get rows of their own: all but one kept in the group's row. */
  private static List<Delivery.Attempt> attemptRows(Outcome o) {
    return successOf(o) == null ? o.attempts() : o.attempts().subList(0, o.attempts().size() - 1);
  }

  /**
   * A group whose deliveries had different outcomes: the largest share stays in the group (if its
   * lease still holds), every other share moves to a new group of its own with its outcome.
   */
  private void split(Map<Change, List<Outcome>> changes) {
    var largest = changes.entrySet().stream()
        .max(Comparator.comparingInt(e -> e.getValue().size())).orElseThrow();
    var group = largest.getValue().getFirst().group();
    if (apply(largest.getKey(), List.of(group.id()), largest.getValue().size()) == 0) {
      return; // lease lost: the group is another node's now, all of it
    }
    changes.forEach((change, members) -> {
      if (change != largest.getKey()) {
        var ids = members.stream().map(o -> o.member().id()).toList();
        var newId = Ids.timeOrdered("grp", change.at().toEpochMilli());
        insertGroup(newId, group, change, ids.size());
        jdbc.sql("UPDATE deliveries SET group_id = ? WHERE " + set.in("id", ids))
            .params(set.values(List.of(newId), ids, String.class))
            .update();
      }
    });
  }

  private void insertGroup(String id, Claimed from, Change change, int size) {
    var success = change.success();
    jdbc.sql("INSERT INTO delivery_groups (id, integration_id, size, status, attempt_count,"
            + " next_attempt_at, failure_reason, created_at, updated_at, delivered_at, success_at,"
            + " success_duration_ms, success_http_status, success_response)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
        .params(id, from.integrationId(), size, change.status().wire(),
            from.attemptCount() + (change.attempted() ? 1 : 0), ts(change.nextAttemptAt()),
            nullable(change.failureReason()), Sql.ts(from.createdAt()), Sql.ts(change.at()),
            ts(change.deliveredAt()), ts(success == null ? null : success.at()),
            new SqlParameterValue(Types.BIGINT, success == null ? null : success.durationMs()),
            new SqlParameterValue(Types.INTEGER, success == null ? null : success.httpStatus()),
            nullable(success == null ? null : success.responseBody()))
        .update();
  }

  /**
   * Writes one change to groups still leased by the change's owner (unique to a claim or
   * hand-over, and cleared by its outcome: a group reclaimed since has another). With a new
   * {@code size}, the group keeps only that many deliveries; the rest move out.
   *
   * @return how many groups were updated
   */
  private int apply(Change change, List<String> groupIds, Integer size) {
    var success = change.success();
    var params = new ArrayList<Object>(List.of(
        change.status().wire(), ts(change.nextAttemptAt()), nullable(change.failureReason()),
        ts(change.deliveredAt()), change.attempted() ? 1 : 0, Sql.ts(change.at()),
        ts(success == null ? null : success.at()),
        new SqlParameterValue(Types.BIGINT, success == null ? null : success.durationMs()),
        new SqlParameterValue(Types.INTEGER, success == null ? null : success.httpStatus()),
        nullable(success == null ? null : success.responseBody())));
    if (size != null) {
      params.add(size);
    }
    params.add(change.leaseOwner());
    return jdbc.sql(
            "UPDATE delivery_groups SET status = ?, next_attempt_at = ?, failure_reason = ?,"
                + " delivered_at = ?, attempt_count = attempt_count + ?, lease_owner = NULL,"
                + " lease_expires_at = NULL, updated_at = ?,"
                + " success_at = ?, success_duration_ms = ?, success_http_status = ?,"
                + " success_response = ?" + (size == null ? "" : ", size = ?")
                + " WHERE lease_owner = ? AND " + set.in("id", groupIds))
        .params(set.values(params, groupIds, String.class))
        .update();
  }

  /** Binds a possibly null timestamp with its SQL type, which a bare null would not carry. */
  private static SqlParameterValue ts(Instant instant) {
    return new SqlParameterValue(Types.TIMESTAMP_WITH_TIMEZONE, Sql.ts(instant));
  }

  private static SqlParameterValue nullable(String text) {
    return new SqlParameterValue(Types.VARCHAR, text);
  }

  /** An attempt to log, with the delivery it belongs to. */
  private record AttemptRow(String deliveryId, Delivery.Attempt attempt) {}

  private void insertAttempts(List<Outcome> outcomes) {
    var attempts = outcomes.stream()
        .flatMap(o -> attemptRows(o).stream().map(a -> new AttemptRow(o.member().id(), a)))
        .toList();
    rowInserts.insert(ATTEMPTS, attempts,
        (row, logged) -> {
          var a = logged.attempt();
          row.string(logged.deliveryId()).integer(a.number()).timestamp(a.at())
              .bigint(a.durationMs()).integer(a.httpStatus()).string(truncate(a.error(), 1000))
              .string(truncate(a.responseBody(), MAX_RESPONSE_BODY)).timestamp(a.nextAttemptAt());
        });
  }

  /**
   * Extends the leases of the work this node still holds, so that only a node that stopped
   * renewing (it died, or lost the database) has its work taken over.
   *
   * @return how many groups were renewed
   */
  int renewLeases(Collection<String> owners, Instant until) {
    if (owners.isEmpty()) {
      return 0;
    }
    return jdbc.sql("UPDATE delivery_groups SET lease_expires_at = ? WHERE status = 'in_flight'"
            + " AND " + set.in("lease_owner", owners))
        .params(set.values(List.of(Sql.ts(until)), owners, String.class))
        .update();
  }

  /**
   * Expired leases (their node died or lost the database) go back to pending, due now.
   *
   * @return how many deliveries, by the node that held them
   */
  Map<String, Integer> reclaimExpiredLeases(Instant now) {
    return backToPending("lease_expires_at <= ?", List.of(Sql.ts(now)), true, now);
  }

  /**
   * At the start of the only process that can open the database: everything in flight was left by
   * an earlier run, which can no longer renew it, so it is due now.
   *
   * @return how many deliveries, by the node that held them
   */
  Map<String, Integer> takeOverAll(Instant now) {
    return backToPending("lease_owner IS NOT NULL", List.of(), true, now);
  }

  /**
   * On shutdown: this node's unfinished claims go back to pending for any node to take.
   *
   * @return how many deliveries
   */
  int releaseLeases(String ownerPrefix, Instant now) {
    return total(backToPending("lease_owner LIKE ?", List.of(ownerPrefix + "%"), false, now));
  }

  /**
   * Claims whose outcome could not be written (the database was lost meanwhile) go back to
   * pending at the time they had, rather than waiting for their lease to expire.
   *
   * @return how many deliveries
   */
  int release(Collection<String> owners, Instant now) {
    if (owners.isEmpty()) {
      return 0;
    }
    return total(backToPending(set.in("lease_owner", owners),
        set.values(List.of(), owners, String.class), false, now));
  }

  private static int total(Map<String, Integer> byNode) {
    return byNode.values().stream().mapToInt(Integer::intValue).sum();
  }

  /** The node part of a lease owner ({@code node:claim}). */
  static String nodeOf(String owner) {
    int colon = owner.lastIndexOf(':');
    return colon < 0 ? owner : owner.substring(0, colon);
  }

  /**
   * Groups in flight that match {@code condition} go back to pending, due now or at the time they
   * had; returns how many deliveries they hold, by the node that held them.
   */
  private Map<String, Integer> backToPending(
      String condition, List<Object> values, boolean dueNow, Instant now) {
    var where = " WHERE status = 'in_flight' AND " + condition;
    return tx.execute(status -> {
      var byNode = new TreeMap<String, Integer>();
      jdbc.sql("SELECT lease_owner, size FROM delivery_groups" + where)
          .params(values)
          .query(rs -> {
            byNode.merge(nodeOf(String.valueOf(rs.getString(1))), rs.getInt(2), Integer::sum);
          });
      if (!byNode.isEmpty()) {
        var params = new ArrayList<Object>(List.of(Sql.ts(now)));
        if (dueNow) {
          params.add(Sql.ts(now));
        }
        params.addAll(values);
        jdbc.sql("UPDATE delivery_groups SET status = 'pending', lease_owner = NULL,"
                + " lease_expires_at = NULL, updated_at = ?"
                + (dueNow ? ", next_attempt_at = ?" : "") + where)
            .params(params)
            .update();
      }
      return byNode;
    });
  }

  /** When the dispatcher next has something to do: a due attempt or an expiring lease. */
  Optional<Instant> nextWakeUp() {
    var due =
        jdbc.sql(
                "SELECT MIN((SELECT d.next_attempt_at FROM delivery_groups d"
                    + " WHERE d.integration_id = i.id AND d.status = 'pending'"
                    + " ORDER BY d.integration_id, d.status, d.next_attempt_at LIMIT 1))"
                    + " FROM integrations i"
                    + " WHERE i.status = 'active'")
            .query((rs, n) -> Sql.instant(rs, 1))
            .optional();
    // The first row in index order, not MIN(): H2 would read every lease to find the smallest.
    var lease =
        jdbc.sql("SELECT lease_expires_at FROM delivery_groups WHERE status = 'in_flight'"
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
