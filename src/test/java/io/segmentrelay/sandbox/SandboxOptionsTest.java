package io.segmentrelay.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.util.List;
import org.junit.jupiter.api.Test;

class SandboxOptionsTest {

  @Test
  void defaults_to_port_9090_the_demo_key_and_full_recording() {
    assertThat(SandboxOptions.parse())
        .isEqualTo(
            new SandboxOptions("127.0.0.1", 9090, List.of("demo-write-key"), RecordMode.FULL));
  }

  @Test
  void reads_port_host_write_keys_and_record_mode() {
    SandboxOptions options =
        SandboxOptions.parse("--port=0", "--host=0.0.0.0", "--write-keys=a, b", "--record=counts");

    assertThat(options)
        .isEqualTo(new SandboxOptions("0.0.0.0", 0, List.of("a", "b"), RecordMode.COUNTS));
  }

  @Test
  void refuses_unknown_or_malformed_options() {
    assertThatIllegalArgumentException().isThrownBy(() -> SandboxOptions.parse("--colour=blue"));
    assertThatIllegalArgumentException().isThrownBy(() -> SandboxOptions.parse("--port=http"));
    assertThatIllegalArgumentException().isThrownBy(() -> SandboxOptions.parse("9090"));
    assertThatIllegalArgumentException().isThrownBy(() -> SandboxOptions.parse("--record=some"));
    assertThatIllegalArgumentException().isThrownBy(() -> SandboxOptions.parse("--write-keys=,"));
  }
}
