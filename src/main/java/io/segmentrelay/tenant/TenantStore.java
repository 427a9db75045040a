package io.segmentrelay.tenant;

import io.segmentrelay.auth.Caller;
import io.segmentrelay.auth.Callers;
import io.segmentrelay.system.Hashing;
import io.segmentrelay.system.Ids;
import io.segmentrelay.system.Sql;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Organizations, apps and their credentials: admin tokens and ingest keys, stored as hashes. A
 * token is looked up in the database on every request, with its organization and app, so a
 * revoked token or a deleted tenant is refused at once on every node.
 */
@Repository
public class TenantStore implements Callers {

  /** How often a credential's last use is written: enough to tell, too seldom to cost anything. */
  private static final Duration LAST_USED_EVERY = Duration.ofMinutes(1);

  private final JdbcClient jdbc;
  private final Clock clock;
  /** When this node last wrote each credential's last use. */
  private final Map<String, Instant> lastUseWritten = new ConcurrentHashMap<>();

  TenantStore(JdbcClient jdbc, Clock clock) {
    this.jdbc = jdbc;
    this.clock = clock;
  }

  /** An organization or app as the API lists it. */
  public record Named(String id, String name, Instant createdAt) {}

  /**
   * A credential as the API lists it: never the token itself.
   *
   * @param kind {@code admin} or {@code ingest}
   * @param appId the app of an ingest key; null for an admin token
   */
  public record Credential(
      String id, String kind, String appId, String mask, Instant createdAt, Instant lastUsedAt) {}

  /** A new credential, with its token: the only time the token is seen. */
  public record Issued(String id, String token) {}

  /** An admin token found by its hash: the credential and its organization. */
  public record AdminToken(String credentialId, String organizationId) {}

  void insertOrganization(String id, String name, Instant now) {
    jdbc.sql("INSERT INTO organizations (id, name, created_at) VALUES (?, ?, ?)")
        .params(id, name, Sql.ts(now))
        .update();
  }

  void insertApp(String id, String organizationId, String name, Instant now) {
    jdbc.sql("INSERT INTO apps (id, organization_id, name, created_at) VALUES (?, ?, ?, ?)")
        .params(id, organizationId, name, Sql.ts(now))
        .update();
  }

  /** A new admin token of the organization, or ingest key of the app when {@code appId} is set. */
  Issued issue(String organizationId, String appId, Instant now) {
    var token = Ids.token(appId == null ? "sra" : "sri");
    var id = Ids.random("key");
    jdbc.sql("INSERT INTO credentials (id, kind, organization_id, app_id, token_hash, mask,"
            + " created_at) VALUES (?, ?, ?, ?, ?, ?, ?)")
        .params(id, appId == null ? "admin" : "ingest", organizationId, appId,
            Hashing.sha256(token), mask(token), Sql.ts(now))
        .update();
    return new Issued(id, token);
  }

  /**
   * The masked form of a token that listings show: its prefix and first four characters, and its
   * last four; enough to tell tokens apart and nothing to use.
   */
  public static String mask(String token) {
    return token.substring(0, 8) + "…" + token.substring(token.length() - 4);
  }

  List<Named> organizations() {
    return jdbc.sql("SELECT id, name, created_at FROM organizations WHERE deleted_at IS NULL"
            + " ORDER BY created_at, id")
        .query((rs, n) -> new Named(rs.getString(1), rs.getString(2), Sql.instant(rs, 3)))
        .list();
  }

  Optional<Named> organization(String id) {
    return jdbc.sql("SELECT id, name, created_at FROM organizations WHERE id = ?"
            + " AND deleted_at IS NULL")
        .param(id)
        .query((rs, n) -> new Named(rs.getString(1), rs.getString(2), Sql.instant(rs, 3)))
        .optional();
  }

  /**
   * Locks the live organization's row until the transaction ends, so that checks across its
   * credentials (the last admin token) and its deletion are not raced.
   */
  boolean lockOrganization(String id) {
    return !jdbc.sql("SELECT id FROM organizations WHERE id = ? AND deleted_at IS NULL FOR UPDATE")
        .param(id).query(String.class).list().isEmpty();
  }

  List<Named> apps(String organizationId) {
    return jdbc.sql("SELECT id, name, created_at FROM apps WHERE organization_id = ?"
            + " AND deleted_at IS NULL ORDER BY created_at, id")
        .param(organizationId)
        .query((rs, n) -> new Named(rs.getString(1), rs.getString(2), Sql.instant(rs, 3)))
        .list();
  }

  Optional<Named> app(String organizationId, String id) {
    return apps(organizationId).stream().filter(a -> a.id().equals(id)).findFirst();
  }

  boolean renameOrganization(String id, String name) {
    return jdbc.sql("UPDATE organizations SET name = ? WHERE id = ? AND deleted_at IS NULL")
        .params(name, id).update() > 0;
  }

  boolean renameApp(String organizationId, String id, String name) {
    return jdbc.sql("UPDATE apps SET name = ? WHERE organization_id = ? AND id = ?"
            + " AND deleted_at IS NULL")
        .params(name, organizationId, id).update() > 0;
  }

  /**
   * Marks the organization and its apps deleted and revokes every credential of them. The rows
   * stay, as the owners of what was accepted for them.
   */
  boolean deleteOrganization(String id, Instant now) {
    var deleted = jdbc.sql("UPDATE organizations SET deleted_at = ? WHERE id = ?"
            + " AND deleted_at IS NULL")
        .params(Sql.ts(now), id).update() > 0;
    if (deleted) {
      jdbc.sql("DELETE FROM credentials WHERE organization_id = ?").param(id).update();
      jdbc.sql("UPDATE apps SET deleted_at = ? WHERE organization_id = ? AND deleted_at IS NULL")
          .params(Sql.ts(now), id).update();
    }
    return deleted;
  }

  /** Marks the app deleted and revokes its ingest keys. */
  boolean deleteApp(String organizationId, String id, Instant now) {
    var deleted = jdbc.sql("UPDATE apps SET deleted_at = ? WHERE organization_id = ? AND id = ?"
            + " AND deleted_at IS NULL")
        .params(Sql.ts(now), organizationId, id).update() > 0;
    if (deleted) {
      jdbc.sql("DELETE FROM credentials WHERE organization_id = ? AND app_id = ?")
          .params(organizationId, id).update();
    }
    return deleted;
  }

  List<Credential> credentials(String organizationId) {
    return jdbc.sql("SELECT id, kind, app_id, mask, created_at, last_used_at FROM credentials"
            + " WHERE organization_id = ? ORDER BY created_at, id")
        .param(organizationId)
        .query((rs, n) -> new Credential(rs.getString("id"), rs.getString("kind"),
            rs.getString("app_id"), rs.getString("mask"), Sql.instant(rs, "created_at"),
            Sql.instant(rs, "last_used_at")))
        .list();
  }

  /** The kind of the organization's credential, if it exists ({@code admin} or {@code ingest}). */
  Optional<String> credentialKind(String organizationId, String id) {
    return jdbc.sql("SELECT kind FROM credentials WHERE organization_id = ? AND id = ?")
        .params(organizationId, id).query(String.class).optional();
  }

  int adminTokens(String organizationId) {
    return jdbc.sql("SELECT COUNT(*) FROM credentials WHERE organization_id = ? AND kind = 'admin'")
        .param(organizationId).query(Integer.class).single();
  }

  boolean revoke(String organizationId, String id) {
    lastUseWritten.remove(id);
    return jdbc.sql("DELETE FROM credentials WHERE organization_id = ? AND id = ?")
        .params(organizationId, id).update() > 0;
  }

  /** The admin token with this hash, of a live organization. */
  public Optional<AdminToken> findAdminToken(String hash) {
    return jdbc.sql("SELECT c.id, c.organization_id FROM credentials c"
            + " JOIN organizations o ON o.id = c.organization_id"
            + " WHERE c.token_hash = ? AND c.kind = 'admin' AND o.deleted_at IS NULL")
        .param(hash)
        .query((rs, n) -> new AdminToken(rs.getString(1), rs.getString(2)))
        .optional()
        .map(found -> {
          used(found.credentialId());
          return found;
        });
  }

  /** The organization whose admin token has this hash. */
  @Override
  public Optional<String> findOrganizationByAdminTokenHash(String hash) {
    return findAdminToken(hash).map(AdminToken::organizationId);
  }

  /** Whether the admin token a session was signed in with is still valid. */
  public boolean adminTokenValid(String credentialId) {
    return jdbc.sql("SELECT COUNT(*) FROM credentials c"
            + " JOIN organizations o ON o.id = c.organization_id"
            + " WHERE c.id = ? AND c.kind = 'admin' AND o.deleted_at IS NULL")
        .param(credentialId).query(Integer.class).single() > 0;
  }

  /** The app, and its organization, whose ingest key has this hash; never a deleted app's. */
  @Override
  public Optional<Caller.App> findAppByIngestKeyHash(String hash) {
    return jdbc.sql("SELECT c.id, c.app_id, c.organization_id FROM credentials c"
            + " JOIN apps a ON a.id = c.app_id"
            + " WHERE c.token_hash = ? AND c.kind = 'ingest' AND a.deleted_at IS NULL")
        .param(hash)
        .query((rs, n) -> new String[] {rs.getString(1), rs.getString(2), rs.getString(3)})
        .optional()
        .map(found -> {
          used(found[0]);
          return new Caller.App(found[1], found[2]);
        });
  }

  private void used(String credentialId) {
    var now = clock.instant();
    var last = lastUseWritten.get(credentialId);
    if (last == null || !now.isBefore(last.plus(LAST_USED_EVERY))) {
      lastUseWritten.put(credentialId, now);
      jdbc.sql("UPDATE credentials SET last_used_at = ? WHERE id = ?")
          .params(Sql.ts(now), credentialId).update();
    }
  }

  /** The organization's name, if it exists. */
  public Optional<String> organizationName(String organizationId) {
    return organization(organizationId).map(Named::name);
  }
}
