package io.segmentrelay;

import io.segmentrelay.sandbox.SandboxServer;
import java.util.Arrays;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.scheduling.annotation.EnableScheduling;

/**
 * Entry point. {@code java -jar segment-relay.jar} runs the relay; {@code java -jar
 * segment-relay.jar sandbox [--port=9090]} runs only the Segment sandbox, as its own process.
 */
@SpringBootApplication(exclude = UserDetailsServiceAutoConfiguration.class)
@ConfigurationPropertiesScan
@EnableScheduling
public class RelayApplication {

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("sandbox")) {
      SandboxServer.main(Arrays.copyOfRange(args, 1, args.length));
      return;
    }
    SpringApplication.run(RelayApplication.class, args);
  }
}
