package io.segmentrelay.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.stream.IntStream;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.jdbc.core.simple.JdbcClient;

/** "Column is one of these values" on H2: parameters for small sets, literals for large ones. */
class DialectTest {

  private static Dialect set;
  private static JdbcClient jdbc;

  @BeforeAll
  static void database() {
    var dataSource = new JdbcDataSource();
    dataSource.setURL("jdbc:h2:mem:set-parameter;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DB_CLOSE_DELAY=-1");
    set = new Dialect(dataSource);
    jdbc = JdbcClient.create(dataSource);
    jdbc.sql("CREATE TABLE items (owner VARCHAR(10), name VARCHAR(20), PRIMARY KEY (name, owner))").update();
    for (int i = 0; i < 400; i++) {
      jdbc.sql("INSERT INTO items VALUES (?, ?)").params("a", name(i)).update();
      jdbc.sql("INSERT INTO items VALUES (?, ?)").params("b", name(i)).update();
    }
  }

  /** Names with a quote in some, so literals must escape them. */
  private static String name(int i) {
    return i % 7 == 0 ? "it'em " + i : "item " + i;
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 5, 64, 100, 127, 128, 129, 300})
  void finds_exactly_the_rows_with_one_of_the_values(int n) {
    var wanted = new LinkedHashSet<String>();
    IntStream.range(0, n).forEach(i -> wanted.add(name(i * 397 % 400)));
    wanted.add("missing");

    var found = jdbc.sql("SELECT name FROM items WHERE owner = ? AND " + set.in("name", wanted))
        .params(set.values(List.of("a"), wanted, String.class))
        .query(String.class)
        .list();

    var expected = new ArrayList<>(wanted);
    expected.remove("missing");
    assertThat(found).containsExactlyInAnyOrderElementsOf(expected);
  }

  @Test
  void small_sets_share_a_few_statement_texts_and_large_ones_are_literals() {
    assertThat(set.in("name", List.of("x", "y", "z")))
        .isEqualTo(set.in("name", List.of("p", "q", "r", "s")))
        .isEqualTo("name IN (?, ?, ?, ?)");
    assertThat(set.values(List.of("a"), List.of("x", "y", "z"), String.class))
        .containsExactly("a", "x", "y", "z", "z");
    var large = IntStream.range(0, 129).mapToObj(i -> "v" + i).toList();
    assertThat(set.in("name", large)).startsWith("name IN ('v0', 'v1'").doesNotContain("?");
    assertThat(set.values(List.of("a"), large, String.class)).containsExactly("a");
    assertThat(set.in("name", List.of())).isEqualTo("1 = 0");
  }

  @Test
  void the_number_of_parameters_is_the_next_power_of_two() {
    assertThat(IntStream.of(1, 2, 3, 4, 5, 8, 9, 64, 65, 128).map(Dialect::padded).toArray())
        .containsExactly(1, 2, 4, 4, 8, 8, 16, 64, 128, 128);
  }

  @Test
  void only_an_h2_inside_this_process_is_embedded() {
    assertThat(Dialect.embeddedH2("jdbc:h2:file:./data/relay;MODE=PostgreSQL")).isTrue();
    assertThat(Dialect.embeddedH2("jdbc:h2:mem:relay")).isTrue();
    assertThat(Dialect.embeddedH2("jdbc:h2:tcp://db:9092/relay")).isFalse();
    assertThat(Dialect.embeddedH2("jdbc:h2:ssl://db/relay")).isFalse();
    assertThat(Dialect.embeddedH2("jdbc:h2:file:./relay;AUTO_SERVER=TRUE")).isFalse();
    assertThat(Dialect.embeddedH2("jdbc:postgresql://db:5432/relay")).isFalse();
    assertThat(set.embedded()).isTrue();
  }
}
