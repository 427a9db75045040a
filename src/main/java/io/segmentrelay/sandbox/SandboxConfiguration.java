package io.segmentrelay.sandbox;

import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Runs the sandbox inside the relay (served under {@code /sandbox}) unless {@code
 * relay.sandbox.enabled=false}. Its write keys come from {@code relay.sandbox.write-keys}
 * (comma-separated, default {@code demo-write-key}); more can be registered at runtime.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "relay.sandbox.enabled", havingValue = "true", matchIfMissing = true)
public class SandboxConfiguration {

  @Bean
  SandboxReceiver sandboxReceiver(
      Clock clock, @Value("${relay.sandbox.write-keys:demo-write-key}") String writeKeys) {
    return new SandboxReceiver(split(writeKeys), RecordMode.FULL, clock);
  }

  private static List<String> split(String writeKeys) {
    return Arrays.stream(writeKeys.split(","))
        .map(String::strip)
        .filter(key -> !key.isEmpty())
        .toList();
  }
}
