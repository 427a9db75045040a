package io.segmentrelay.sandbox;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The sandbox as a standalone HTTP server on the JDK's built-in server, one virtual thread per
 * request, no Spring. Serves the Segment endpoints ({@code /v1/batch}, {@code /v1/track}, {@code
 * /v1/import}) and the inspection endpoints, each both with and without the {@code /sandbox}
 * prefix, so a base URL of either form works.
 */
public final class SandboxServer implements AutoCloseable {

  private final HttpServer server;

  private final ExecutorService executor;

  private final SandboxReceiver receiver;

  private SandboxServer(HttpServer server, ExecutorService executor, SandboxReceiver receiver) {
    this.server = server;
    this.executor = executor;
    this.receiver = receiver;
  }

  /**
   * Starts a sandbox on the loopback interface.
   *
   * @param port the port, or 0 for any free port
   * @throws UncheckedIOException when the port cannot be bound
   */
  public static SandboxServer start(int port, SandboxReceiver receiver) {
    return start(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), receiver);
  }

  /**
   * Starts a sandbox on {@code address} (e.g. {@code 0.0.0.0:9090} to be reachable from other hosts
   * or containers).
   *
   * @throws UncheckedIOException when the address cannot be bound
   */
  public static SandboxServer start(InetSocketAddress address, SandboxReceiver receiver) {
    ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    try {
      HttpServer server = HttpServer.create(address, 0);
      server.createContext("/", new SandboxHttpHandler(new SandboxEndpoints(receiver)));
      server.setExecutor(executor);
      server.start();
      return new SandboxServer(server, executor, receiver);
    } catch (IOException ex) {
      executor.shutdownNow();
      throw new UncheckedIOException("cannot start the sandbox on " + address, ex);
    }
  }

  /** The port the server listens on. */
  public int port() {
    return server.getAddress().getPort();
  }

  /** The base URL to give a Segment client, e.g. {@code http://127.0.0.1:9090}. */
  public String baseUrl() {
    InetAddress address = server.getAddress().getAddress();
    String host = address.isAnyLocalAddress() ? "127.0.0.1" : address.getHostAddress();
    return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port();
  }

  /** The receiver behind this server, for inspecting recordings and injecting faults. */
  public SandboxReceiver receiver() {
    return receiver;
  }

  /** Stops at once: open exchanges (e.g. ones waiting out a latency fault) are cut off. */
  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  /**
   * Runs the sandbox until the process is stopped. Options: {@code --port=9090}, {@code
   * --host=127.0.0.1}, {@code --write-keys=demo-write-key,other}, {@code --record=full|counts}.
   */
  public static void main(String[] args) {
    SandboxOptions options;
    try {
      options = SandboxOptions.parse(args);
    } catch (IllegalArgumentException ex) {
      System.err.println(ex.getMessage());
      System.err.println(SandboxOptions.USAGE);
      System.exit(2);
      return;
    }
    SandboxReceiver receiver =
        new SandboxReceiver(options.writeKeys(), options.mode(), Clock.systemUTC());
    SandboxServer server = start(new InetSocketAddress(options.host(), options.port()), receiver);
    Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().unstarted(server::close));
    System.out.println(
        "Segment sandbox listening on "
            + server.baseUrl()
            + " (write keys: "
            + String.join(",", options.writeKeys())
            + "; record: "
            + options.mode().name().toLowerCase(Locale.ROOT)
            + ")");
  }
}
