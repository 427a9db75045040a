package io.segmentrelay.sandbox;

import io.segmentrelay.system.Dialect;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;

/**
 * Runs the sandbox inside the relay (served under {@code /sandbox}) when {@link SandboxEnabled}
 * says so: by default on the embedded H2 only. Its write keys come from {@code
 * relay.sandbox.write-keys} (comma-separated, default {@code demo-write-key}); organizations can
 * register more at runtime. What it records is bounded by {@code
 * relay.sandbox.max-recorded-bytes}.
 */
@Configuration(proxyBeanMethods = false)
@Conditional(SandboxEnabled.class)
public class SandboxConfiguration {

  private static final Logger log = LoggerFactory.getLogger(SandboxConfiguration.class);

  @Bean
  SandboxReceiver sandboxReceiver(
      Clock clock,
      @Value("${relay.sandbox.write-keys:demo-write-key}") String writeKeys,
      @Value("${relay.sandbox.max-recorded-bytes:67108864}") long maxRecordedBytes,
      @Value("${spring.datasource.url:}") String datasourceUrl) {
    if (!datasourceUrl.isEmpty() && !Dialect.embeddedH2(datasourceUrl)) {
      log.warn("The Segment sandbox is on ({}=true) with an external database: it is meant for"
          + " demos and tests. Its Segment paths under /sandbox/v1 accept events from anyone"
          + " who can reach this port.", SandboxEnabled.PROPERTY);
    }
    return new SandboxReceiver(split(writeKeys), RecordMode.FULL, clock, maxRecordedBytes);
  }

  private static List<String> split(String writeKeys) {
    return Arrays.stream(writeKeys.split(","))
        .map(String::strip)
        .filter(key -> !key.isEmpty())
        .toList();
  }
}
