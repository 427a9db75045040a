package io.segmentrelay.tenant;

import io.segmentrelay.auth.Caller;
import io.segmentrelay.auth.Callers;
import io.segmentrelay.system.Sql;
import java.time.Instant;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Organizations and apps, with their admin tokens and ingest keys stored as hashes. */
@Repository
public class TenantStore implements Callers {

  private final JdbcClient jdbc;

  TenantStore(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  void insertOrganization(String id, String name, String adminTokenHash, Instant now) {
    jdbc.sql(
            "INSERT INTO organizations (id, name, admin_token_hash, created_at) VALUES (?, ?, ?, ?)")
        .params(id, name, adminTokenHash, Sql.ts(now))
        .update();
  }

  void insertApp(String id, String organizationId, String name, String keyHash, Instant now) {
    jdbc.sql(
            "INSERT INTO apps (id, organization_id, name, ingest_key_hash, created_at)"
                + " VALUES (?, ?, ?, ?, ?)")
        .params(id, organizationId, name, keyHash, Sql.ts(now))
        .update();
  }

  /** The organization whose admin token has this hash. */
  @Override
  public Optional<String> findOrganizationByAdminTokenHash(String hash) {
    return jdbc.sql("SELECT id FROM organizations WHERE admin_token_hash = ?")
        .param(hash)
        .query(String.class)
        .optional();
  }

  /** The app, and its organization, whose ingest key has this hash. */
  @Override
  public Optional<Caller.App> findAppByIngestKeyHash(String hash) {
    return jdbc.sql("SELECT id, organization_id FROM apps WHERE ingest_key_hash = ?")
        .param(hash)
        .query((rs, n) -> new Caller.App(rs.getString("id"), rs.getString("organization_id")))
        .optional();
  }

  /** The organization's name, if it exists. */
  public Optional<String> organizationName(String organizationId) {
    return jdbc.sql("SELECT name FROM organizations WHERE id = ?")
        .param(organizationId)
        .query(String.class)
        .optional();
  }
}
