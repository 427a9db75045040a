package io.segmentrelay.delivery;

import io.segmentrelay.system.Dialect;
import io.segmentrelay.system.Sql;
import io.segmentrelay.tenant.TenantDeleted;
import io.segmentrelay.track.TrackCall;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Discards the queued deliveries of a deleted app, in the transaction that deletes it: they stay
 * in the delivery log as discarded, with the reason. What a node is sending, or holds in memory
 * to send, is not called back: it may still go out, but its outcome no longer changes the
 * discarded group, whose lease is gone. Checking each batch before it is sent would cost every
 * delivery a read for the sake of a rare deletion.
 */
@Component
class AppDeletion {

  private static final Logger log = LoggerFactory.getLogger(AppDeletion.class);
  private static final String QUEUED = "('pending', 'held', 'in_flight')";
  private static final int CHUNK = 500;

  private final JdbcClient jdbc;
  private final Dialect set;
  private final Clock clock;

  AppDeletion(JdbcClient jdbc, Dialect set, Clock clock) {
    this.jdbc = jdbc;
    this.set = set;
    this.clock = clock;
  }

  private record Queued(String groupId, String integrationId, String eventId, String messageId) {}

  @EventListener
  void on(TenantDeleted deleted) {
    if (deleted.appId() == null) {
      return; // a whole organization: its integrations are deleted with their deliveries
    }
    var groups = new LinkedHashSet<String>();
    for (var q : queued(deleted.organizationId(), deleted.appId())) {
      if (belongsTo(q, deleted.organizationId(), deleted.appId())) {
        groups.add(q.groupId());
      }
    }
    long discarded = 0;
    var ids = new ArrayList<>(groups);
    for (int i = 0; i < ids.size(); i += CHUNK) {
      discarded += discard(ids.subList(i, Math.min(ids.size(), i + CHUNK)));
    }
    log.info("Discarded {} queued deliveries of deleted app {}", discarded, deleted.appId());
  }

  /** The queued deliveries of the organization for events this app sent (maybe others' too). */
  private List<Queued> queued(String organizationId, String appId) {
    return jdbc.sql("SELECT g.id, d.integration_id, d.event_id, d.message_id FROM delivery_groups g"
            + " JOIN integrations i ON i.id = g.integration_id"
            + " JOIN deliveries d ON d.group_id = g.id"
            + " WHERE i.organization_id = ? AND g.status IN " + QUEUED
            + " AND EXISTS (SELECT 1 FROM events e WHERE e.event_id = d.event_id AND e.app_id = ?)")
        .params(organizationId, appId)
        .query((rs, n) -> new Queued(rs.getString(1), rs.getString(2), rs.getString(3),
            rs.getString(4)))
        .list();
  }

  /**
   * Event ids are unique per app only: a delivery is this app's when its message id was made from
   * this app, or when no other app of the organization sent an event with that id.
   */
  private boolean belongsTo(Queued q, String organizationId, String appId) {
    if (q.messageId().equals(TrackCall.messageId(q.integrationId(), appId, q.eventId()))) {
      return true;
    }
    return jdbc.sql("SELECT COUNT(*) FROM events e JOIN apps a ON a.id = e.app_id"
            + " WHERE e.event_id = ? AND a.organization_id = ? AND e.app_id <> ?")
        .params(q.eventId(), organizationId, appId)
        .query(Long.class).single() == 0;
  }

  /** Discards these groups where still queued; returns how many deliveries they held. */
  private long discard(List<String> groupIds) {
    var still = jdbc.sql("SELECT COALESCE(SUM(size), 0) FROM delivery_groups WHERE status IN "
            + QUEUED + " AND " + set.in("id", groupIds))
        .params(set.values(new ArrayList<>(), groupIds, String.class))
        .query(Long.class).single();
    var params = new ArrayList<Object>(List.of(Sql.ts(clock.instant())));
    jdbc.sql("UPDATE delivery_groups SET status = 'discarded', next_attempt_at = NULL,"
            + " lease_owner = NULL, lease_expires_at = NULL, updated_at = ?,"
            + " failure_reason = 'Discarded: its app was deleted'"
            + " WHERE status IN " + QUEUED + " AND " + set.in("id", groupIds))
        .params(set.values(params, groupIds, String.class))
        .update();
    return still;
  }
}
