package io.segmentrelay.identity;

import io.segmentrelay.system.Ids;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.springframework.stereotype.Service;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Identity stitching per organization and profile traits. Runs inside the caller's
 * transaction, so events and the identities they changed commit together. A request's events are
 * resolved together: what they need is read in a few queries, resolved in order in memory (so an
 * event sees the links and traits of the events before it), and written back in batches.
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

  /** The ids and traits an event or identify call carries; either id may be null, not both. */
  public record Input(String userId, String anonymousId, ObjectNode traits) {}

  /**
   * Resolves each input to the identity it is sent under, in order: links both ids when an input
   * carries both, fills in the missing id, and merges traits into the profile.
   */
  public List<Identity> resolveAll(String organizationId, List<Input> inputs) {
    var batch = new Batch(organizationId, inputs);
    var resolved = new ArrayList<Identity>(inputs.size());
    for (var input : inputs) {
      resolved.add(batch.resolve(input));
    }
    batch.save();
    return resolved;
  }

  /** The stable anonymous id of a user never seen with one: UUID v5 of organization and user. */
  public static String derivedAnonymousId(String organizationId, String userId) {
    return Ids.uuidV5(ANONYMOUS_ID_NAMESPACE, organizationId + "\n" + userId).toString();
  }

  private static String userKey(String userId) {
    return "user:" + userId;
  }

  private static String anonymousKey(String anonymousId) {
    return "anonymous:" + anonymousId;
  }

  /** The working set of one request: links and profiles read once, changes kept for writing. */
  private final class Batch {
    private final String organizationId;
    private final Map<String, String> userOfAnonymous;
    private final Map<String, String> latestAnonymousOfUser;
    private final Map<String, ObjectNode> profiles = new HashMap<>();
    private final Set<String> storedProfiles;
    private final Map<String, String> newLinks = new LinkedHashMap<>();
    private final Set<String> changedProfiles = new LinkedHashSet<>();

    /**
     * Reads only what resolving these inputs can use. A user's latest anonymous id is read only
     * for users that come without one. A visitor's own profile is read only where its anonymous id
     * is not yet linked to the user it comes with (a new link merges it into the user's) or comes
     * alone and unlinked; an event of a known visitor with its known user reads the user's profile
     * alone.
     */
    Batch(String organizationId, List<Input> inputs) {
      this.organizationId = organizationId;
      var anonymousIds = new LinkedHashSet<String>();
      var usersWithoutAnonymousId = new LinkedHashSet<String>();
      for (var input : inputs) {
        if (input.anonymousId() != null) {
          anonymousIds.add(input.anonymousId());
        } else {
          usersWithoutAnonymousId.add(input.userId());
        }
      }
      userOfAnonymous = store.linkedUsers(organizationId, anonymousIds);
      latestAnonymousOfUser = store.latestAnonymousIds(organizationId, usersWithoutAnonymousId);
      var profileKeys = new LinkedHashSet<String>();
      for (var input : inputs) {
        var userId = input.userId();
        var anonymousId = input.anonymousId();
        if (userId != null) {
          profileKeys.add(userKey(userId));
        }
        if (anonymousId != null) {
          var linked = userOfAnonymous.get(anonymousId);
          if (userId == null) {
            profileKeys.add(linked != null ? userKey(linked) : anonymousKey(anonymousId));
          } else if (!userId.equals(linked)) {
            profileKeys.add(anonymousKey(anonymousId));
          }
        }
      }
      var stored = store.traits(organizationId, profileKeys);
      stored.forEach((key, text) -> profiles.put(key, (ObjectNode) json.readTree(text)));
      storedProfiles = stored.keySet();
    }

    Identity resolve(Input input) {
      var userId = input.userId();
      var anonymousId = input.anonymousId();
      if (userId != null && anonymousId != null) {
        link(anonymousId, userId);
      } else if (userId == null) {
        userId = userOfAnonymous.get(anonymousId);
      } else {
        anonymousId = latestAnonymousOfUser.get(userId);
        if (anonymousId == null) {
          anonymousId = derivedAnonymousId(organizationId, userId);
        }
      }
      var key = userId != null ? userKey(userId) : anonymousKey(anonymousId);
      var traits = merge(key, input.traits());
      return new Identity(userId, anonymousId, traits == null || traits.isEmpty() ? null : traits.deepCopy());
    }

    private void link(String anonymousId, String userId) {
      if (userId.equals(userOfAnonymous.get(anonymousId))) {
        return;
      }
      userOfAnonymous.put(anonymousId, userId);
      latestAnonymousOfUser.put(userId, anonymousId);
      newLinks.remove(anonymousId); // re-inserted last, so it stays the user's latest
      newLinks.put(anonymousId, userId);
      // What was learned about the visitor before they identified now belongs to the user.
      var visitor = profiles.get(anonymousKey(anonymousId));
      if (visitor != null && !visitor.isEmpty()) {
        var merged = visitor.deepCopy();
        var user = profiles.get(userKey(userId));
        if (user != null) {
          merged.setAll(user);
        }
        profiles.put(userKey(userId), merged);
        changedProfiles.add(userKey(userId));
      }
    }

    private ObjectNode merge(String key, ObjectNode traits) {
      var profile = profiles.get(key);
      if (traits == null || traits.isEmpty()) {
        return profile;
      }
      var merged = profile == null ? json.createObjectNode() : profile.deepCopy();
      merged.setAll(traits);
      if (!merged.equals(profile)) {
        profiles.put(key, merged);
        changedProfiles.add(key);
      }
      return merged;
    }

    void save() {
      var now = clock.instant();
      store.link(organizationId, List.copyOf(newLinks.entrySet()));
      var changed = new LinkedHashMap<String, String>();
      changedProfiles.forEach(key -> changed.put(key, json.writeValueAsString(profiles.get(key))));
      store.saveTraits(organizationId, changed, storedProfiles, now);
    }
  }
}
