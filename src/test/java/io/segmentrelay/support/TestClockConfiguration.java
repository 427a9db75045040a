package io.segmentrelay.support;

import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;

/** Replaces the application's clock with a {@link SettableClock} starting at {@link RelayTest#START}. */
@TestConfiguration(proxyBeanMethods = false)
public class TestClockConfiguration {

  @Bean
  @Primary
  SettableClock settableClock() {
    return new SettableClock(RelayTest.START);
  }
}
