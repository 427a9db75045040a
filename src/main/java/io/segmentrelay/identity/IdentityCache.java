package io.segmentrelay.identity;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.segmentrelay.system.Dialect;
import io.segmentrelay.system.RelayProperties;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Anonymous-id links and profile traits as last committed, kept in memory where this process is
 * the database's only user: the embedded H2, whose file one process at a time can open. Ingest
 * then finds the identities it has seen without a query. Entries come from transactions that
 * wrote them, once committed, and from reads; a read is not kept when a commit that wrote
 * identities came between its start and its end, so no entry is older than the database. On
 * PostgreSQL, which several nodes may share, or H2 reached over the network, it is off.
 */
@Component
class IdentityCache {

  private record Key(String organizationId, String id) {}

  private final boolean enabled;
  /** Anonymous id → the user it is linked to. */
  private final Cache<Key, String> users;
  /** Profile key → its traits (JSON text). */
  private final Cache<Key, String> traits;
  /** Commits that wrote identities, so far. Guarded by this. */
  private long commits;

  IdentityCache(RelayProperties properties, Dialect dialect) {
    int size = properties.identity().cacheSize();
    enabled = size > 0 && dialect.embedded();
    users = Caffeine.newBuilder().maximumSize(Math.max(size, 0)).build();
    traits = Caffeine.newBuilder().maximumSize(Math.max(size, 0)).build();
  }

  boolean enabled() {
    return enabled;
  }

  /** Where a read of the database starts: give it to {@link #readUsers} or {@link #readTraits}. */
  synchronized long mark() {
    return commits;
  }

  /** The users these anonymous ids are linked to, of those known here. */
  Map<String, String> users(String organizationId, Collection<String> anonymousIds) {
    return known(users, organizationId, anonymousIds);
  }

  /** The traits of these profiles, of those known here. */
  Map<String, String> traits(String organizationId, Collection<String> profileKeys) {
    return known(traits, organizationId, profileKeys);
  }

  /** Links a read found, kept unless identities were committed since {@code mark}. */
  synchronized void readUsers(String organizationId, Map<String, String> found, long mark) {
    if (enabled && commits == mark) {
      put(users, organizationId, found);
    }
  }

  /** Traits a read found, kept unless identities were committed since {@code mark}. */
  synchronized void readTraits(String organizationId, Map<String, String> found, long mark) {
    if (enabled && commits == mark) {
      put(traits, organizationId, found);
    }
  }

  /** Links and traits the current transaction writes: kept once it commits, never otherwise. */
  void written(String organizationId, Map<String, String> links, Map<String, String> profiles) {
    if (!enabled || (links.isEmpty() && profiles.isEmpty())) {
      return;
    }
    if (!TransactionSynchronizationManager.isSynchronizationActive()) {
      committed(organizationId, links, profiles); // no transaction: written is committed
      return;
    }
    TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
      @Override
      public void afterCommit() {
        committed(organizationId, links, profiles);
      }
    });
  }

  private synchronized void committed(
      String organizationId, Map<String, String> links, Map<String, String> profiles) {
    commits++;
    put(users, organizationId, links);
    put(traits, organizationId, profiles);
  }

  private Map<String, String> known(
      Cache<Key, String> cache, String organizationId, Collection<String> ids) {
    var found = new HashMap<String, String>();
    if (enabled) {
      for (var id : ids) {
        var value = cache.getIfPresent(new Key(organizationId, id));
        if (value != null) {
          found.put(id, value);
        }
      }
    }
    return found;
  }

  private static void put(Cache<Key, String> cache, String organizationId, Map<String, String> values) {
    values.forEach((id, value) -> cache.put(new Key(organizationId, id), value));
  }
}
