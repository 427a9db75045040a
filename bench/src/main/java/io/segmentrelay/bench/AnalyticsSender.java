package io.segmentrelay.bench;

import com.segment.analytics.Analytics;
import com.segment.analytics.messages.TrackMessage;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;

/**
 * The baseline: Segment's own analytics-java 3.5.4, default settings except the endpoint, run in
 * its own JVM so that its memory is measured on its own.
 *
 * <p>Protocol on stdin/stdout with the harness: prints {@code READY} once the client is built;
 * on a {@code WARM <round> <n>} line enqueues n warm-up events, flushes and prints {@code
 * WARMED}; on a
 * {@code GO} line enqueues every measured event, flushes, prints {@code ENQUEUED <millis>}, then
 * stays alive (the harness reads its VmHWM) until stdin closes.
 *
 * <p>Arguments: {@code <endpoint> <writeKey> <events> <runId>}.
 */
public final class AnalyticsSender {

  private AnalyticsSender() {}

  public static void main(String[] args) throws Exception {
    String endpoint = args[0];
    String writeKey = args[1];
    int events = Integer.parseInt(args[2]);
    String runId = args[3];

    // analytics-java 3.5.4 posts to "<endpoint>/v1/import/" (trailing slash), which the sandbox
    // does not route (real Segment does). The client is the library's default one (15 s
    // timeouts, Platform.defaultClient) plus an interceptor that drops that slash. Every other
    // setting is the library's default.
    var client =
        new OkHttpClient.Builder()
            .connectTimeout(15, TimeUnit.SECONDS)
            .readTimeout(15, TimeUnit.SECONDS)
            .writeTimeout(15, TimeUnit.SECONDS)
            .addInterceptor(chain -> {
              var request = chain.request();
              var path = request.url().encodedPath();
              if (path.endsWith("/") && path.length() > 1) {
                request = request.newBuilder()
                    .url(request.url().newBuilder().encodedPath(path.substring(0, path.length() - 1)).build())
                    .build();
              }
              return chain.proceed(request);
            })
            .build();
    Analytics analytics = Analytics.builder(writeKey).endpoint(endpoint).client(client).build();
    var in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    System.out.println("READY");
    System.out.flush();
    String line = in.readLine();
    while (line != null && line.startsWith("WARM")) {
      var words = line.split(" ");
      String warmId = "warm" + words[1] + "-" + runId;
      int n = Integer.parseInt(words[2]);
      Date warmTimestamp = new Date();
      for (int i = 0; i < n; i++) {
        analytics.enqueue(track(warmId, i, warmTimestamp));
      }
      analytics.flush();
      System.out.println("WARMED");
      System.out.flush();
      line = in.readLine();
    }
    if (!"GO".equals(line)) {
      return;
    }
    long start = System.nanoTime();
    Date timestamp = new Date();
    for (int i = 0; i < events; i++) {
      analytics.enqueue(track(runId, i, timestamp));
    }
    analytics.flush();
    System.out.println("ENQUEUED " + (System.nanoTime() - start) / 1_000_000);
    System.out.flush();
    while (in.readLine() != null) {
      // keep running until the harness closes stdin
    }
    analytics.shutdown();
  }

  /** The same track call the relay builds for {@link Payloads#event}: same fields, similar size. */
  public static TrackMessage.Builder track(String runId, int i, Date timestamp) {
    int person = i % Payloads.PEOPLE;
    String userId = "user_" + person;
    String anonymousId = "anon_" + person;
    String eventId = runId + "-" + i;
    Map<String, Object> traits = new LinkedHashMap<>();
    traits.put("email", "user" + person + "@example.com");
    traits.put("plan", "pro");
    Map<String, Object> properties = new LinkedHashMap<>();
    properties.put("response_id", "resp_" + eventId);
    properties.put("survey_id", "srv_" + (i % 50));
    properties.put("app_id", "app_bench");
    properties.put("organization_id", "org_bench");
    properties.put("traits", traits);
    properties.put(
        "identities",
        List.of(
            Map.of("type", "user_id", "value", userId),
            Map.of("type", "anonymous_id", "value", anonymousId)));
    properties.put("references", Map.of("event_id", eventId));
    Map<String, Object> context = new LinkedHashMap<>();
    context.put("page", Map.of("path", "/checkout", "referrer", "https://example.com/pricing"));
    context.put("locale", "en-US");
    return TrackMessage.builder("Response Submitted")
        .userId(userId)
        .anonymousId(anonymousId)
        .timestamp(timestamp)
        .properties(properties)
        .context(context);
  }
}
