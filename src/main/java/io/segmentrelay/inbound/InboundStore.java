package io.segmentrelay.inbound;

import io.segmentrelay.integration.WriteKeyCipher;
import io.segmentrelay.system.Sql;
import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Inbound secrets and the messages received from Segment. A secret is kept twice: hashed, to find
 * the app of a Bearer call, and encrypted, to check a signature, which needs the secret itself.
 */
@Repository
public class InboundStore {

  private final JdbcClient jdbc;
  private final WriteKeyCipher cipher;

  InboundStore(JdbcClient jdbc, WriteKeyCipher cipher) {
    this.jdbc = jdbc;
    this.cipher = cipher;
  }

  /** An app of an organization. */
  public record App(String id, String organizationId, String name) {}

  Optional<App> app(String appId) {
    return jdbc.sql("SELECT id, organization_id, name FROM apps WHERE id = ? AND deleted_at IS NULL")
        .param(appId)
        .query((rs, n) -> new App(rs.getString(1), rs.getString(2), rs.getString(3)))
        .optional();
  }

  List<App> apps(String organizationId) {
    return jdbc.sql("SELECT id, organization_id, name FROM apps WHERE organization_id = ?"
            + " AND deleted_at IS NULL ORDER BY created_at, id")
        .param(organizationId)
        .query((rs, n) -> new App(rs.getString(1), rs.getString(2), rs.getString(3)))
        .list();
  }

  /** Creates or replaces the app's secret; the old one stops working at once. */
  void saveSecret(String appId, String secretHash, String secret, Instant now) {
    var encrypted = cipher.encrypt(secret, aad(appId));
    var updated = jdbc.sql("UPDATE inbound_secrets SET secret_hash = ?, secret_enc = ?,"
            + " created_at = ? WHERE app_id = ?")
        .params(secretHash, encrypted, Sql.ts(now), appId)
        .update();
    if (updated == 0) {
      jdbc.sql("INSERT INTO inbound_secrets (app_id, secret_hash, secret_enc, created_at)"
              + " VALUES (?, ?, ?, ?)")
          .params(appId, secretHash, encrypted, Sql.ts(now))
          .update();
    }
  }

  Optional<String> appBySecretHash(String secretHash) {
    return jdbc.sql("SELECT app_id FROM inbound_secrets WHERE secret_hash = ?")
        .param(secretHash)
        .query(String.class)
        .optional();
  }

  /** The app's secret, decrypted, for checking a signature. */
  Optional<String> secret(String appId) {
    return jdbc.sql("SELECT secret_enc FROM inbound_secrets WHERE app_id = ?")
        .param(appId)
        .query(String.class)
        .optional()
        .map(encrypted -> cipher.decrypt(encrypted, aad(appId)));
  }

  Optional<Instant> secretCreatedAt(String appId) {
    return jdbc.sql("SELECT created_at FROM inbound_secrets WHERE app_id = ?")
        .param(appId)
        .query((rs, n) -> Sql.instant(rs, "created_at"))
        .optional();
  }

  /** Which of these message ids the app has already received. */
  Set<String> known(String appId, Collection<String> messageIds) {
    if (messageIds.isEmpty()) {
      return Set.of();
    }
    var marks = String.join(", ", messageIds.stream().map(id -> "?").toList());
    var params = new java.util.ArrayList<Object>();
    params.add(appId);
    params.addAll(messageIds);
    return new HashSet<>(
        jdbc.sql("SELECT message_id FROM inbound_messages WHERE app_id = ? AND message_id IN ("
                + marks + ")")
            .params(params)
            .query(String.class)
            .list());
  }

  void record(String appId, String messageId, String type, String outcome, Instant now) {
    jdbc.sql("INSERT INTO inbound_messages (app_id, message_id, type, outcome, received_at)"
            + " VALUES (?, ?, ?, ?, ?)")
        .params(appId, messageId, type, outcome, Sql.ts(now))
        .update();
  }

  /** Counts by outcome since a time, and the last message received. */
  public record Counts(long applied, long ignored, Instant lastReceivedAt, String lastType) {}

  Counts counts(String appId, Instant since) {
    var byOutcome = jdbc.sql("SELECT outcome, COUNT(*) FROM inbound_messages"
            + " WHERE app_id = ? AND received_at >= ? GROUP BY outcome")
        .params(appId, Sql.ts(since))
        .query((rs, n) -> java.util.Map.entry(rs.getString(1), rs.getLong(2)))
        .list();
    long applied = 0;
    long ignored = 0;
    for (var entry : byOutcome) {
      if (entry.getKey().equals(InboundService.APPLIED)) {
        applied = entry.getValue();
      } else {
        ignored += entry.getValue();
      }
    }
    var last = jdbc.sql("SELECT received_at, type FROM inbound_messages WHERE app_id = ?"
            + " ORDER BY received_at DESC, seq DESC LIMIT 1")
        .param(appId)
        .query((rs, n) -> java.util.Map.entry(Sql.instant(rs, "received_at"), rs.getString("type")))
        .optional();
    return new Counts(applied, ignored, last.map(java.util.Map.Entry::getKey).orElse(null),
        last.map(java.util.Map.Entry::getValue).orElse(null));
  }

  static String aad(String appId) {
    return "inbound:" + appId;
  }
}
