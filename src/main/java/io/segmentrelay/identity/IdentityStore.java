package io.segmentrelay.identity;

import io.segmentrelay.system.RowInserts;
import io.segmentrelay.system.Dialect;
import io.segmentrelay.system.Sql;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Anonymous-id links and profile traits, per organization. Reads and writes whole sets, so one
 * ingest request costs a few statements however many events it carries. Links and traits that the
 * {@link IdentityCache} holds are not read again.
 */
@Repository
class IdentityStore {

  private static final RowInserts.Into LINKS = new RowInserts.Into("identity_links",
      "organization_id, anonymous_id, user_id");
  private static final RowInserts.Into PROFILES = new RowInserts.Into("profiles",
      "organization_id, profile_key, traits, updated_at");

  private final JdbcClient jdbc;
  private final JdbcTemplate template;
  private final RowInserts rows;
  private final Dialect set;
  private final IdentityCache cache;

  IdentityStore(JdbcClient jdbc, JdbcTemplate template, RowInserts rows, Dialect set,
      IdentityCache cache) {
    this.jdbc = jdbc;
    this.template = template;
    this.rows = rows;
    this.set = set;
    this.cache = cache;
  }

  /** The user each of these anonymous ids is linked to, where linked. */
  Map<String, String> linkedUsers(String organizationId, Collection<String> anonymousIds) {
    return pairs(organizationId, anonymousIds, cache.users(organizationId, anonymousIds),
        "SELECT anonymous_id, user_id FROM identity_links", "anonymous_id", cache::readUsers);
  }

  /** Each user's most recently linked anonymous id, where the user has one. */
  Map<String, String> latestAnonymousIds(String organizationId, Collection<String> userIds) {
    var latest = new HashMap<String, String>();
    if (!userIds.isEmpty()) {
      jdbc.sql("SELECT user_id, anonymous_id FROM identity_links WHERE organization_id = ?"
              + " AND " + set.in("user_id", userIds) + " ORDER BY seq")
          .params(set.values(List.of(organizationId), userIds, String.class))
          .query(rs -> {
            latest.put(rs.getString(1), rs.getString(2)); // ascending seq: the last one wins
          });
    }
    return latest;
  }

  /** Links (or re-links) anonymous ids to users, in order: the last link is a user's latest. */
  void link(String organizationId, List<Map.Entry<String, String>> anonymousToUser) {
    if (anonymousToUser.isEmpty()) {
      return;
    }
    template.batchUpdate(
        "DELETE FROM identity_links WHERE organization_id = ? AND anonymous_id = ?",
        anonymousToUser, 500, (ps, link) -> {
          ps.setString(1, organizationId);
          ps.setString(2, link.getKey());
        });
    rows.insert(LINKS, anonymousToUser,
        (row, link) -> row.string(organizationId).string(link.getKey()).string(link.getValue()));
    var links = new HashMap<String, String>();
    anonymousToUser.forEach(link -> links.put(link.getKey(), link.getValue()));
    cache.written(organizationId, links, Map.of());
  }

  /** The stored traits (JSON text) of these profiles, where stored. */
  Map<String, String> traits(String organizationId, Collection<String> profileKeys) {
    return pairs(organizationId, profileKeys, cache.traits(organizationId, profileKeys),
        "SELECT profile_key, traits FROM profiles", "profile_key", cache::readTraits);
  }

  /** Where a read of the database goes in the cache: {@code (organization, found, mark)}. */
  private interface Keep {
    void found(String organizationId, Map<String, String> found, long mark);
  }

  /**
   * Key → value of these keys, where stored: those the cache knows, and the rest read with {@code
   * select} (its two columns, key first) and handed to {@code keep}.
   */
  private Map<String, String> pairs(String organizationId, Collection<String> keys,
      Map<String, String> known, String select, String keyColumn, Keep keep) {
    var unknown = unknown(keys, known);
    if (!unknown.isEmpty()) {
      long mark = cache.mark();
      var found = new HashMap<String, String>();
      jdbc.sql(select + " WHERE organization_id = ? AND " + set.in(keyColumn, unknown))
          .params(set.values(List.of(organizationId), unknown, String.class))
          .query(rs -> {
            found.put(rs.getString(1), rs.getString(2));
          });
      keep.found(organizationId, found, mark);
      known.putAll(found);
    }
    return known;
  }

  private static List<String> unknown(Collection<String> ids, Map<String, String> known) {
    return ids.stream().filter(id -> !known.containsKey(id)).toList();
  }

  /** Writes changed profiles: updates for those that existed, inserts for new ones. */
  void saveTraits(String organizationId, Map<String, String> changed, Collection<String> existing,
      Instant now) {
    var updates = changed.entrySet().stream().filter(e -> existing.contains(e.getKey())).toList();
    var inserts = changed.entrySet().stream().filter(e -> !existing.contains(e.getKey())).toList();
    template.batchUpdate(
        "UPDATE profiles SET traits = ?, updated_at = ? WHERE organization_id = ? AND profile_key = ?",
        updates, 500, (ps, e) -> {
          ps.setString(1, e.getValue());
          ps.setObject(2, Sql.ts(now));
          ps.setString(3, organizationId);
          ps.setString(4, e.getKey());
        });
    rows.insert(PROFILES, inserts,
        (row, e) -> row.string(organizationId).string(e.getKey()).string(e.getValue()).timestamp(now));
    cache.written(organizationId, Map.of(), changed);
  }

}
