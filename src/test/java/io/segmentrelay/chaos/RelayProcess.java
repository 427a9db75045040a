package io.segmentrelay.chaos;

import io.segmentrelay.RelayApplication;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The relay as a real operating-system process, started from the test classpath, so that a test
 * can kill it with SIGKILL or stop it with SIGTERM and start it again on the same database.
 */
final class RelayProcess implements AutoCloseable {

  static final String MASTER_KEY = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
  static final String OPERATOR_TOKEN = "chaos-operator-token-0123456789abcdefghij";

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final String name;
  private final int port;
  private final Map<String, String> env;
  private final Path log;
  private Process process;
  private int starts;

  /**
   * @param env settings of the relay (environment variables), besides its port and secrets
   */
  RelayProcess(String name, int port, Path logDir, Map<String, String> env) {
    this.name = name;
    this.port = port;
    this.log = logDir.resolve(name + ".log");
    this.env = new LinkedHashMap<>(env);
    this.env.put("SERVER_PORT", String.valueOf(port));
    this.env.put("RELAY_MASTER_KEY", MASTER_KEY);
    this.env.put("RELAY_OPERATOR_TOKEN", OPERATOR_TOKEN);
    this.env.put("RELAY_SANDBOX_ENABLED", "false");
  }

  String baseUrl() {
    return "http://127.0.0.1:" + port;
  }

  Path log() {
    return log;
  }

  /** Starts the process and waits until its health is UP; returns how long that took. */
  Duration start() {
    long begin = System.nanoTime();
    var command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xss512k",
        "-cp", productClasspath(),
        RelayApplication.class.getName()));
    var builder = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    builder.environment().putAll(env);
    try {
      Files.writeString(log, "=== start " + (++starts) + " at " + java.time.Instant.now() + "\n",
          java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
      process = builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(name + " exited at start; see " + log);
      }
      if (health() == 200) {
        return Duration.ofNanos(System.nanoTime() - begin);
      }
      pause(100);
    }
    throw new IllegalStateException(name + " was not healthy within 90 s; see " + log);
  }

  /** The test JVM's classpath without the test classes, which hold test-only configuration. */
  private static String productClasspath() {
    var separator = System.getProperty("path.separator");
    return String.join(separator, java.util.Arrays.stream(
            System.getProperty("java.class.path").split(java.util.regex.Pattern.quote(separator)))
        .filter(entry -> !entry.endsWith("test-classes") && !entry.endsWith("test-classes/"))
        .toList());
  }

  /** SIGKILL: the process gets no chance to finish anything. */
  void kill() {
    process.destroyForcibly();
    awaitExit();
  }

  /** SIGTERM: the relay's graceful stop. */
  void terminate() {
    process.destroy();
    awaitExit();
  }

  boolean alive() {
    return process != null && process.isAlive();
  }

  private void awaitExit() {
    try {
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
        throw new IllegalStateException(name + " did not stop within 60 s of a signal");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The status of {@code GET /actuator/health}, or 0 when nothing answers. */
  int health() {
    try {
      var request = HttpRequest.newBuilder(URI.create(baseUrl() + "/actuator/health"))
          .timeout(Duration.ofSeconds(10)).GET().build();
      return HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      return 0;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 0;
    }
  }

  @Override
  public void close() {
    if (alive()) {
      process.destroyForcibly();
      awaitExit();
    }
  }

  static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
