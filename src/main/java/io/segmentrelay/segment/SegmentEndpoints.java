package io.segmentrelay.segment;

import io.segmentrelay.system.RelayProperties;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import io.segmentrelay.sandbox.SandboxReceiver;
import java.util.regex.Pattern;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * The destination endpoints a tenant may choose: Segment's regions from the seed, plus what
 * the operator allows with {@code RELAY_SEGMENT_EXTRA_ENDPOINTS}, plus the built-in sandbox when it
 * is enabled. Nothing else is ever contacted.
 *
 * <p>The built-in sandbox is stored as {@value #SANDBOX}, not as a URL: its address is this relay's
 * own port, which may change between starts, so it is resolved on every send.
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

  /** How an integration names the built-in sandbox. */
  public static final String SANDBOX = "sandbox:";

  /** The built-in sandbox as URLs of earlier versions named it, with the port of that start. */
  private static final Pattern LOCAL_SANDBOX_URL =
      Pattern.compile("https?://(localhost|127\\.0\\.0\\.1)(:\\d+)?/sandbox");

  private final List<Endpoint> all;

  private final boolean sandboxEnabled;

  private final Environment environment;

  @Autowired
  SegmentEndpoints(
      RelayProperties properties,
      ObjectProvider<SandboxReceiver> sandboxReceiver,
      Environment environment) {
    // Offered exactly when the relay serves it (by default only on the embedded H2).
    this(properties, sandboxReceiver.getIfAvailable() != null, environment);
  }

  SegmentEndpoints(RelayProperties properties, boolean sandboxEnabled, Environment environment) {
    this.sandboxEnabled = sandboxEnabled;
    this.environment = environment;
    var list = new ArrayList<>(SEGMENT);
    for (var url : properties.segment().extraEndpoints()) {
      if (!url.isBlank()) {
        var normalized = normalize(url);
        list.add(new Endpoint(normalized, "Operator-allowed (" + normalized + ")", true));
      }
    }
    if (sandboxEnabled) {
      list.add(new Endpoint(SANDBOX, "Built-in sandbox (this relay's /sandbox)", true));
    }
    this.all = List.copyOf(list);
  }

  public List<Endpoint> all() {
    return all;
  }

  /**
   * The allowed endpoint equal to {@code url} (ignoring a trailing slash), if any. The built-in
   * sandbox is also found by its URL on this host with any port, so that a request naming it as
   * {@code http://localhost:8080/sandbox} still works after the relay moved to another port.
   */
  public Optional<Endpoint> find(String url) {
    if (url == null) {
      return Optional.empty();
    }
    var normalized = normalize(url);
    var exact = all.stream().filter(e -> e.url().equals(normalized)).findFirst();
    if (exact.isPresent() || !sandboxEnabled) {
      return exact;
    }
    if (normalized.equals("sandbox") || LOCAL_SANDBOX_URL.matcher(normalized).matches()) {
      return all.stream().filter(e -> e.url().equals(SANDBOX)).findFirst();
    }
    return Optional.empty();
  }

  /**
   * The base URL to post to for a stored endpoint: itself, or for the built-in sandbox this relay's
   * {@code /sandbox} on the port it listens on now; null for the sandbox when it is turned off.
   */
  public String baseUrl(String endpoint) {
    if (!SANDBOX.equals(endpoint)) {
      return endpoint;
    }
    if (!sandboxEnabled) {
      return null;
    }
    var port =
        environment.getProperty(
            "local.server.port", Integer.class, environment.getProperty("server.port", Integer.class, 8080));
    var address = environment.getProperty("server.address", "");
    var host = (address.isBlank() || address.equals("0.0.0.0") || address.equals("::"))
        ? "127.0.0.1"
        : (address.contains(":") ? "[" + address + "]" : address);
    var contextPath = environment.getProperty("server.servlet.context-path", "");
    return "http://" + host + ":" + port + normalize(contextPath) + "/sandbox";
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
