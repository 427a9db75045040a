package io.segmentrelay.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class OperatorTokenBannerTest {

  @Test
  void the_token_stands_alone_on_its_line_inside_a_frame() {
    var token = "sro_" + "a".repeat(64);
    var lines = Secrets.operatorTokenBanner(token, Path.of("data", "operator-token.sha256"))
        .split(System.lineSeparator());

    assertThat(lines).contains("    " + token);
    var rules = Arrays.stream(lines).filter(l -> l.matches("=+")).toList();
    assertThat(rules).hasSize(2);
    assertThat(rules.getFirst().length()).isGreaterThan(token.length());
    assertThat(String.join("\n", lines)).contains("OPERATOR TOKEN").contains("delete that file");
  }
}
