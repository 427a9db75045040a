package io.segmentrelay.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import org.junit.jupiter.api.Test;

class IdsTest {

  @Test
  void time_ordered_ids_sort_by_their_millisecond_and_stay_unique_within_one() {
    long now = 1_795_886_000_000L;
    var earlier = Ids.timeOrdered("dlv", now);
    var later = Ids.timeOrdered("dlv", now + 1);
    var muchLater = Ids.timeOrdered("dlv", now + 86_400_000L * 365 * 30);
    assertThat(earlier).matches("dlv_[0-9a-z]{13}[0-9a-zA-Z]{9}");
    assertThat(earlier.compareTo(later)).isNegative();
    assertThat(later.compareTo(muchLater)).isNegative();
    // Case-insensitive order (as in most collations) agrees on the time part.
    assertThat(earlier.substring(0, 13).compareToIgnoreCase(later.substring(0, 13))).isNegative();

    var sameMillisecond = new ArrayList<String>();
    for (int i = 0; i < 10_000; i++) {
      sameMillisecond.add(Ids.timeOrdered("dlv", now));
    }
    assertThat(new HashSet<>(sameMillisecond)).hasSize(10_000);
    // Within one millisecond they sort in the order they were made (queue order at ingest).
    var sorted = new ArrayList<>(sameMillisecond);
    Collections.sort(sorted);
    assertThat(sorted.subList(0, 100)).isEqualTo(sameMillisecond.subList(0, 100));
  }

  @Test
  void random_ids_have_the_prefix_and_22_base62_characters() {
    assertThat(Ids.random("int")).matches("int_[0-9a-zA-Z]{22}");
  }
}
