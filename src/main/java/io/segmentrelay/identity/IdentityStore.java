package io.segmentrelay.identity;

import io.segmentrelay.system.Sql;
import java.time.Instant;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Anonymous-id links and profile traits, per organization. */
@Repository
class IdentityStore {

  private final JdbcClient jdbc;

  IdentityStore(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  Optional<String> linkedUser(String organizationId, String anonymousId) {
    return jdbc.sql(
            "SELECT user_id FROM identity_links WHERE organization_id = ? AND anonymous_id = ?")
        .params(organizationId, anonymousId)
        .query(String.class)
        .optional();
  }

  Optional<String> latestAnonymousId(String organizationId, String userId) {
    return jdbc.sql(
            "SELECT anonymous_id FROM identity_links WHERE organization_id = ? AND user_id = ?"
                + " ORDER BY seq DESC LIMIT 1")
        .params(organizationId, userId)
        .query(String.class)
        .optional();
  }

  /** Links (or re-links) the anonymous id to the user; the new link becomes the user's latest. */
  void link(String organizationId, String anonymousId, String userId, Instant now) {
    jdbc.sql("DELETE FROM identity_links WHERE organization_id = ? AND anonymous_id = ?")
        .params(organizationId, anonymousId)
        .update();
    jdbc.sql(
            "INSERT INTO identity_links (organization_id, anonymous_id, user_id, linked_at)"
                + " VALUES (?, ?, ?, ?)")
        .params(organizationId, anonymousId, userId, Sql.ts(now))
        .update();
  }

  Optional<String> traits(String organizationId, String profileKey) {
    return jdbc.sql("SELECT traits FROM profiles WHERE organization_id = ? AND profile_key = ?")
        .params(organizationId, profileKey)
        .query(String.class)
        .optional();
  }

  void saveTraits(String organizationId, String profileKey, String traits, boolean exists, Instant now) {
    if (exists) {
      jdbc.sql(
              "UPDATE profiles SET traits = ?, updated_at = ?"
                  + " WHERE organization_id = ? AND profile_key = ?")
          .params(traits, Sql.ts(now), organizationId, profileKey)
          .update();
    } else {
      jdbc.sql(
              "INSERT INTO profiles (organization_id, profile_key, traits, updated_at)"
                  + " VALUES (?, ?, ?, ?)")
          .params(organizationId, profileKey, traits, Sql.ts(now))
          .update();
    }
  }
}
