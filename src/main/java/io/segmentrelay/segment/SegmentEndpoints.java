package io.segmentrelay.segment;

import io.segmentrelay.system.RelayProperties;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import io.segmentrelay.sandbox.SandboxReceiver;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * The destination endpoints a tenant may choose: Segment's regions from the seed, plus what
 * the operator allows with {@code RELAY_SEGMENT_EXTRA_ENDPOINTS}, plus the built-in sandbox when it
 * is enabled. Nothing else is ever contacted.
 */
@Component
public class SegmentEndpoints {

  /** One choice, with the label the UI shows. */
  public record Endpoint(String url, String label, boolean extra) {}

  private static final List<Endpoint> SEGMENT =
      List.of(
          new Endpoint("https://api.segment.io", "Global (api.segment.io)", false),
          new Endpoint("https://events.eu1.segmentapis.com", "EU (events.eu1.segmentapis.com)", false),
          new Endpoint("https://eu1.api.segmentapis.com", "EU (eu1.api.segmentapis.com)", false));

  private final List<Endpoint> all;

  SegmentEndpoints(
      RelayProperties properties,
      ObjectProvider<SandboxReceiver> sandboxReceiver,
      @Value("${server.port:8080}") int port) {
    // Offered exactly when the relay serves it (by default only on the embedded H2).
    boolean sandboxEnabled = sandboxReceiver.getIfAvailable() != null;
    var list = new ArrayList<>(SEGMENT);
    for (var url : properties.segment().extraEndpoints()) {
      if (!url.isBlank()) {
        var normalized = normalize(url);
        list.add(new Endpoint(normalized, "Operator-allowed (" + normalized + ")", true));
      }
    }
    if (sandboxEnabled && port > 0) {
      var sandbox = "http://localhost:" + port + "/sandbox";
      list.add(new Endpoint(sandbox, "Built-in sandbox (" + sandbox + ")", true));
    }
    this.all = List.copyOf(list);
  }

  public List<Endpoint> all() {
    return all;
  }

  /** The allowed endpoint equal to {@code url} (ignoring a trailing slash), if any. */
  public Optional<Endpoint> find(String url) {
    var normalized = normalize(url);
    return all.stream().filter(e -> e.url().equals(normalized)).findFirst();
  }

  /** Whether the endpoint is one of Segment's EU regions. */
  public static boolean isEu(String url) {
    return url.contains(".eu1.");
  }

  private static String normalize(String url) {
    var trimmed = url.trim();
    while (trimmed.endsWith("/")) {
      trimmed = trimmed.substring(0, trimmed.length() - 1);
    }
    return trimmed;
  }
}
