package io.segmentrelay.sandbox;

import static io.segmentrelay.sandbox.SandboxHttp.basic;
import static io.segmentrelay.sandbox.SandboxHttp.batch;
import static io.segmentrelay.sandbox.SandboxHttp.track;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.segment.analytics.Analytics;
import com.segment.analytics.Callback;
import com.segment.analytics.messages.IdentifyMessage;
import com.segment.analytics.messages.Message;
import com.segment.analytics.messages.TrackMessage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import okhttp3.OkHttpClient;
import okhttp3.RequestBody;
import okio.Buffer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * The sandbox accepts what Segment's libraries and Segment-compatible clients send: gzip under any
 * content type, the batch, import, {@code /b} and single-call paths with or without a trailing
 * slash, and the write key from Basic auth or the body. Each case runs against both the standalone
 * server and the relay's {@code /sandbox} on Tomcat, over real HTTP.
 */
class SandboxClientsTest {

  private static final HttpClient CLIENT =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  private static SandboxServer standalone;

  private static ConfigurableApplicationContext tomcat;

  @BeforeAll
  static void start() {
    standalone = SandboxServer.start(0, SandboxReceiver.withWriteKeys());
    tomcat =
        new SpringApplicationBuilder(SandboxControllerTest.WebApp.class)
            .properties("server.port=0", "relay.sandbox.write-keys=web-key")
            .run();
  }

  @AfterAll
  static void stop() {
    standalone.close();
    tomcat.close();
  }

  /** A sandbox under test: its base URL as a client is given it, and what it recorded. */
  record Target(String name, String baseUrl, SandboxReceiver receiver) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Target> targets() {
    var port = tomcat.getEnvironment().getProperty("local.server.port");
    return Stream.of(
        new Target("standalone", standalone.baseUrl(), standalone.receiver()),
        new Target(
            "in the relay",
            "http://127.0.0.1:" + port + "/sandbox",
            tomcat.getBean(SandboxReceiver.class)));
  }

  private static String newKey(Target target) {
    var key = "wk_" + UUID.randomUUID();
    target.receiver().registerWriteKey(key);
    return key;
  }

  @ParameterizedTest
  @MethodSource("targets")
  void gzip_is_read_whatever_the_content_type_says(Target target) {
    var key = newKey(target);
    var gzipped = gzip(batch(track("m_plain")));
    // The Kotlin library: gzip as text/plain; RudderStack: gzip as a form.
    assertThat(post(target, "/v1/batch", Map.of("Authorization", basic(key),
        "Content-Type", "text/plain", "Content-Encoding", "gzip"), gzipped).statusCode())
        .isEqualTo(200);
    assertThat(post(target, "/v1/batch/", Map.of("Authorization", basic(key),
        "Content-Type", "application/x-www-form-urlencoded", "Content-Encoding", "gzip"),
        gzip(batch(track("m_form")))).statusCode())
        .isEqualTo(200);
    // And gzip without the header is still gzip.
    assertThat(post(target, "/v1/batch", Map.of("Authorization", basic(key)),
        gzip(batch(track("m_bare")))).statusCode())
        .isEqualTo(200);

    assertThat(messageIds(target, key)).containsExactly("m_plain", "m_form", "m_bare");
  }

  @ParameterizedTest
  @MethodSource("targets")
  void every_path_segment_accepts_with_or_without_a_trailing_slash(Target target) {
    var key = newKey(target);
    var auth = Map.of("Authorization", basic(key), "Content-Type", "application/json");
    var paths = List.of("/v1/batch", "/v1/import/", "/b", "/b/", "/v1/b");
    for (var path : paths) {
      assertThat(post(target, path, auth, bytes(batch(track("m" + path)))).statusCode())
          .as(path).isEqualTo(200);
    }
    var singles = List.of("/v1/track", "/v1/identify/", "/v1/page", "/v1/screen/", "/v1/group",
        "/v1/alias", "/v1/t", "/v1/i/");
    for (var path : singles) {
      var call = "{\"userId\":\"u1\",\"event\":\"Clicked\",\"messageId\":\"m" + path + "\"}";
      assertThat(post(target, path, auth, bytes(call)).statusCode()).as(path).isEqualTo(200);
    }

    var recorded = target.receiver().events(key);
    assertThat(recorded).hasSize(paths.size() + singles.size());
    assertThat(recorded.stream().skip(paths.size()).map(e -> e.path("type").asString()))
        .containsExactly("track", "identify", "page", "screen", "group", "alias", "track",
            "identify");
    assertThat(post(target, "/v1/unknown", auth, bytes(batch(track("x")))).statusCode())
        .isEqualTo(404);
  }

  @ParameterizedTest
  @MethodSource("targets")
  void the_write_key_comes_from_basic_auth_or_the_body(Target target) {
    var key = newKey(target);
    var inBody = "{\"writeKey\":\"" + key + "\",\"batch\":[" + track("m_body") + "]}";
    assertThat(post(target, "/v1/import/", Map.of("Content-Encoding", "gzip"), gzip(inBody))
        .statusCode()).isEqualTo(200);
    assertThat(post(target, "/v1/import", Map.of("Authorization", basic(key)),
        bytes(batch(track("m_auth")))).statusCode()).isEqualTo(200);
    assertThat(messageIds(target, key)).containsExactly("m_body", "m_auth");
  }

  @ParameterizedTest
  @MethodSource("targets")
  void segment_limits_apply_after_decompression(Target target) {
    var key = newKey(target);
    var auth = Map.of("Authorization", basic(key), "Content-Encoding", "gzip");
    // 600 KB of JSON that gzip makes small: under 500 KB as sent, over it as read.
    var padding = "x".repeat(20_000);
    var events = new ArrayList<String>();
    for (int i = 0; i < 30; i++) {
      events.add(track("m_big" + i).replace("\"srv_1\"", "\"" + padding + "\""));
    }
    var big = gzip(batch(events.toArray(String[]::new)));
    assertThat(big.length).isLessThan(50_000);
    var response = post(target, "/v1/batch", auth, big);
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).contains("larger than 500 KB");

    var oneLarge = track("m_one").replace("\"srv_1\"", "\"" + "y".repeat(40_000) + "\"");
    var single = post(target, "/v1/track", auth, gzip(oneLarge));
    assertThat(single.statusCode()).isEqualTo(400);
    assertThat(single.body()).contains("larger than 32 KB");

    var corrupt = post(target, "/v1/batch", auth, new byte[] {0x1f, (byte) 0x8b, 8, 0, 1, 2, 3});
    assertThat(corrupt.statusCode()).isEqualTo(400);
    assertThat(corrupt.body()).contains("not valid gzip");
    assertThat(target.receiver().events(key)).isEmpty();
  }

  @ParameterizedTest
  @MethodSource("targets")
  void a_gzip_bomb_gets_a_400(Target target) {
    var key = newKey(target);
    var bomb = zeros(200 * 1024 * 1024);
    var response = post(target, "/v1/batch",
        Map.of("Authorization", basic(key), "Content-Encoding", "gzip"), bomb);
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).contains("decompressed");
  }

  @Test
  void a_gzip_bomb_costs_no_more_memory_than_the_largest_allowed_body() {
    var receiver = SandboxReceiver.withWriteKeys("key");
    var bomb = zeros(1024 * 1024 * 1024);
    var threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory
        .getThreadMXBean();
    var thread = Thread.currentThread().threadId();
    receiver.handle("batch", basic("key"), "gzip", bomb);
    long before = threads.getThreadAllocatedBytes(thread);

    var answer = receiver.handle("batch", basic("key"), "gzip", bomb);

    long allocated = threads.getThreadAllocatedBytes(thread) - before;
    assertThat(answer.status()).isEqualTo(400);
    // A gigabyte inflated would allocate a gigabyte; reading stops just past the 500 KB limit.
    assertThat(allocated).isLessThan(8L * 1024 * 1024);
  }

  /**
   * Segment's own analytics-java 3.5.4 (posting to {@code /v1/import/} with the key in the body):
   * every enqueued message arrives with its messageId, on both servers.
   */
  @ParameterizedTest
  @MethodSource("targets")
  void analytics_java_delivers_every_message(Target target) {
    deliversEveryMessage(target, null);
  }

  /** The same library with its requests gzipped on the way out, as Segment's docs suggest. */
  @ParameterizedTest
  @MethodSource("targets")
  void analytics_java_with_gzipped_requests_delivers_every_message(Target target) {
    var gzipped = new AtomicInteger();
    var client = new OkHttpClient.Builder()
        .addInterceptor(chain -> {
          var request = chain.request();
          var buffer = new Buffer();
          request.body().writeTo(buffer);
          gzipped.incrementAndGet();
          return chain.proceed(request.newBuilder()
              .header("Content-Encoding", "gzip")
              .method(request.method(),
                  RequestBody.create(gzip(buffer.readByteArray()), request.body().contentType()))
              .build());
        })
        .build();
    deliversEveryMessage(target, client);
    assertThat(gzipped.get()).isPositive();
  }

  private void deliversEveryMessage(Target target, OkHttpClient client) {
    var key = newKey(target);
    var failures = new ConcurrentLinkedQueue<Throwable>();
    var builder = Analytics.builder(key);
    if (client != null) {
      builder.client(client);
    }
    var analytics =
        builder
            .endpoint(target.baseUrl())
            .flushQueueSize(20)
            .flushInterval(10, java.util.concurrent.TimeUnit.SECONDS)
            .callback(
                new Callback() {
                  @Override
                  public void success(Message message) {}

                  @Override
                  public void failure(Message message, Throwable throwable) {
                    failures.add(throwable);
                  }
                })
            .build();
    var sent = new ArrayList<String>();
    try {
      for (int i = 0; i < 45; i++) {
        var id = "aj_" + UUID.randomUUID();
        sent.add(id);
        if (i % 5 == 0) {
          analytics.enqueue(IdentifyMessage.builder().userId("user_" + i).messageId(id)
              .traits(Map.of("plan", "pro")));
        } else {
          analytics.enqueue(TrackMessage.builder("Response Submitted").userId("user_" + i)
              .messageId(id).properties(Map.of("survey_id", "srv_" + i)));
        }
      }
      analytics.flush();
      await().atMost(Duration.ofSeconds(20)).until(() -> target.receiver().events(key).size() >= 45);
    } finally {
      analytics.shutdown();
    }

    assertThat(failures).isEmpty();
    assertThat(messageIds(target, key)).containsExactlyInAnyOrderElementsOf(sent);
  }

  /** The messageIds the sandbox recorded, in arrival order. */
  private static List<String> messageIds(Target target, String key) {
    return target.receiver().events(key).stream().map(e -> e.path("messageId").asString()).toList();
  }

  private static HttpResponse<String> post(
      Target target, String path, Map<String, String> headers, byte[] body) {
    var request = HttpRequest.newBuilder(URI.create(target.baseUrl() + path))
        .timeout(Duration.ofSeconds(20))
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    headers.forEach(request::header);
    try {
      return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException ex) {
      throw new UncheckedIOException(ex);
    } catch (InterruptedException ex) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(ex);
    }
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  static byte[] gzip(String text) {
    return gzip(bytes(text));
  }

  private static byte[] gzip(byte[] bytes) {
    var out = new ByteArrayOutputStream();
    try (var gzip = new GZIPOutputStream(out)) {
      gzip.write(bytes);
    } catch (IOException ex) {
      throw new UncheckedIOException(ex);
    }
    return out.toByteArray();
  }

  /** {@code size} zero bytes gzipped: a thousandth of their size. */
  private static byte[] zeros(int size) {
    var out = new ByteArrayOutputStream();
    var chunk = new byte[1024 * 1024];
    try (var gzip = new GZIPOutputStream(out)) {
      for (int written = 0; written < size; written += chunk.length) {
        gzip.write(chunk);
      }
    } catch (IOException ex) {
      throw new UncheckedIOException(ex);
    }
    return out.toByteArray();
  }
}
