package io.segmentrelay.identity;

import io.segmentrelay.system.Ids;
import java.time.Clock;
import java.util.UUID;
import org.springframework.stereotype.Service;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Identity stitching per organization (D1) and profile traits (D2). Runs inside the caller's
 * transaction, so an event and the identity it changed commit together.
 */
@Service
public class IdentityService {

  /** Namespace of the anonymous ids derived from organization and user id. */
  static final UUID ANONYMOUS_ID_NAMESPACE =
      UUID.fromString("6f1c9a3e-2b7d-5e41-9c0a-8d3f4b2e1a77");

  private final IdentityStore store;
  private final JsonMapper json;
  private final Clock clock;

  IdentityService(IdentityStore store, JsonMapper json, Clock clock) {
    this.store = store;
    this.json = json;
    this.clock = clock;
  }

  /**
   * Resolves the ids an event carries to the identity it is sent under, linking both ids when the
   * event carries both, and merges the event's traits into the profile.
   */
  public Identity resolve(
      String organizationId, String userId, String anonymousId, ObjectNode traits) {
    if (userId != null && anonymousId != null) {
      link(organizationId, anonymousId, userId);
    } else if (userId == null) {
      userId = store.linkedUser(organizationId, anonymousId).orElse(null);
    }
    if (anonymousId == null) {
      var user = userId;
      anonymousId =
          store
              .latestAnonymousId(organizationId, user)
              .orElseGet(() -> derivedAnonymousId(organizationId, user));
    }
    var merged = mergeTraits(organizationId, profileKey(userId, anonymousId), traits);
    return new Identity(userId, anonymousId, merged.isEmpty() ? null : merged);
  }

  /** The stable anonymous id of a user never seen with one: UUID v5 of organization and user. */
  public static String derivedAnonymousId(String organizationId, String userId) {
    return Ids.uuidV5(ANONYMOUS_ID_NAMESPACE, organizationId + "\n" + userId).toString();
  }

  private void link(String organizationId, String anonymousId, String userId) {
    var current = store.linkedUser(organizationId, anonymousId);
    if (current.isPresent() && current.get().equals(userId)) {
      return;
    }
    store.link(organizationId, anonymousId, userId, clock.instant());
    // What was learned about the visitor before they identified now belongs to the user.
    var anonymousTraits = store.traits(organizationId, profileKey(null, anonymousId));
    if (anonymousTraits.isPresent()) {
      var userKey = profileKey(userId, null);
      var userTraits = store.traits(organizationId, userKey);
      var merged = (ObjectNode) json.readTree(anonymousTraits.get());
      userTraits.ifPresent(t -> merged.setAll((ObjectNode) json.readTree(t)));
      store.saveTraits(
          organizationId, userKey, json.writeValueAsString(merged), userTraits.isPresent(),
          clock.instant());
    }
  }

  private ObjectNode mergeTraits(String organizationId, String profileKey, ObjectNode traits) {
    var stored = store.traits(organizationId, profileKey);
    var merged =
        stored.map(t -> (ObjectNode) json.readTree(t)).orElseGet(json::createObjectNode);
    if (traits != null && !traits.isEmpty()) {
      merged.setAll(traits);
      store.saveTraits(
          organizationId, profileKey, json.writeValueAsString(merged), stored.isPresent(),
          clock.instant());
    }
    return merged;
  }

  private static String profileKey(String userId, String anonymousId) {
    return userId != null ? "user:" + userId : "anonymous:" + anonymousId;
  }
}
