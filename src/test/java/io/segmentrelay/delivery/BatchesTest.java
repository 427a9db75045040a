package io.segmentrelay.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.segmentrelay.delivery.DeliveryQueue.Claimed;
import io.segmentrelay.delivery.DeliveryQueue.Member;
import io.segmentrelay.delivery.DeliveryWorker.Item;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How a claim's deliveries are cut into requests to Segment. */
class BatchesTest {

  private static final Instant NOW = Instant.parse("2026-05-13T10:14:00Z");

  @Test
  void a_group_that_fits_in_a_request_is_never_cut_across_two() {
    // Three groups of 40 deliveries of 99 bytes (100 with the comma): 4,000 bytes each.
    var items = new ArrayList<Item>();
    items.addAll(group("grp_a", 40, 99));
    items.addAll(group("grp_b", 40, 99));
    items.addAll(group("grp_c", 40, 99));

    var batches = DeliveryWorker.batches(items, 2_500, 10_000);

    assertThat(batches).extracting(BatchesTest::groups)
        .containsExactly(List.of("grp_a", "grp_b"), List.of("grp_c"));
  }

  @Test
  void a_group_too_large_for_one_request_fills_the_request_it_starts_in() {
    var items = new ArrayList<Item>();
    items.addAll(group("grp_a", 10, 99));
    items.addAll(group("grp_b", 150, 99));

    var batches = DeliveryWorker.batches(items, 2_500, 10_000);

    assertThat(batches).extracting(List::size).containsExactly(99, 61);
    assertThat(groups(batches.getFirst())).containsExactly("grp_a", "grp_b");
    assertThat(batches).allSatisfy(b -> assertThat(b.size() * 100 + 64).isLessThanOrEqualTo(10_000));
  }

  @Test
  void the_event_count_limit_also_keeps_groups_whole() {
    var items = new ArrayList<Item>();
    items.addAll(group("grp_a", 3, 10));
    items.addAll(group("grp_b", 3, 10));

    assertThat(DeliveryWorker.batches(items, 5, 10_000)).extracting(List::size).containsExactly(3, 3);
    assertThat(DeliveryWorker.batches(group("grp_c", 7, 10), 5, 10_000))
        .extracting(List::size).containsExactly(5, 2);
  }

  private static List<Item> group(String id, int size, int bytes) {
    var group = new Claimed(id, "int_1", "owner", NOW, 0, NOW, new ArrayList<>());
    var items = new ArrayList<Item>();
    for (int i = 0; i < size; i++) {
      var member = new Member(id + "_" + i, "msg_" + i, "{}");
      group.members().add(member);
      items.add(new Item(group, member, "{}", bytes));
    }
    return items;
  }

  /** The groups in a request, in order. */
  private static List<String> groups(List<Item> batch) {
    return batch.stream().map(i -> i.group().id()).distinct().toList();
  }
}
