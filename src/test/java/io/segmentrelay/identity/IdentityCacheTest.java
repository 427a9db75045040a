package io.segmentrelay.identity;

import static org.assertj.core.api.Assertions.assertThat;

import io.segmentrelay.support.RelayTest;
import io.segmentrelay.support.TestDatabases;
import io.segmentrelay.system.Ids;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The identity cache of the embedded database never holds what the database does not: only
 * committed writes, and reads that no commit raced.
 */
class IdentityCacheTest extends RelayTest {

  @Autowired private IdentityCache cache;
  @Autowired private IdentityService identity;
  @Autowired private TransactionTemplate tx;
  @Autowired private JsonMapper json;

  @Test
  void it_is_on_for_the_embedded_h2_only() {
    assertThat(cache.enabled()).isEqualTo(!TestDatabases.postgres());
  }

  @Test
  void what_a_transaction_wrote_is_kept_once_it_commits_and_never_if_it_rolls_back() {
    var org = Ids.timeOrdered("org", 0);
    tx.executeWithoutResult(status -> {
      identity.resolveAll(org, List.of(input("usr_rolled_back", "anon_1", "{\"plan\":\"free\"}")));
      assertThat(cache.users(org, List.of("anon_1"))).isEmpty(); // not before the commit
      status.setRollbackOnly();
    });
    assertThat(cache.users(org, List.of("anon_1"))).isEmpty();
    assertThat(cache.traits(org, List.of("user:usr_rolled_back"))).isEmpty();
    var anonymous = tx.execute(status ->
        identity.resolveAll(org, List.of(input(null, "anon_1", null))).getFirst());
    assertThat(anonymous.userId()).isNull();

    tx.executeWithoutResult(status ->
        identity.resolveAll(org, List.of(input("usr_1", "anon_1", "{\"plan\":\"pro\"}"))));
    if (cache.enabled()) {
      assertThat(cache.users(org, List.of("anon_1"))).containsEntry("anon_1", "usr_1");
      assertThat(cache.traits(org, List.of("user:usr_1")))
          .containsEntry("user:usr_1", "{\"plan\":\"pro\"}");
    }
    var known = tx.execute(status ->
        identity.resolveAll(org, List.of(input(null, "anon_1", null))).getFirst());
    assertThat(known.userId()).isEqualTo("usr_1");
    assertThat(known.traits().get("plan").asString()).isEqualTo("pro");
  }

  @Test
  void a_read_that_a_commit_of_identities_raced_is_not_kept() {
    var org = Ids.timeOrdered("org", 0);
    long before = cache.mark();
    cache.written(org, Map.of("anon_2", "usr_new"), Map.of()); // committed meanwhile
    cache.readUsers(org, Map.of("anon_2", "usr_old", "anon_3", "usr_3"), before);
    assertThat(cache.users(org, List.of("anon_2", "anon_3")))
        .isEqualTo(cache.enabled() ? Map.of("anon_2", "usr_new") : Map.of());

    long now = cache.mark();
    cache.readUsers(org, Map.of("anon_3", "usr_3"), now);
    assertThat(cache.users(org, List.of("anon_3")))
        .isEqualTo(cache.enabled() ? Map.of("anon_3", "usr_3") : Map.of());
  }

  private IdentityService.Input input(String userId, String anonymousId, String traits) {
    return new IdentityService.Input(userId, anonymousId,
        traits == null ? null : (ObjectNode) json.readTree(traits));
  }
}
