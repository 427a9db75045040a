package io.segmentrelay.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Side-by-side benchmark of segment-relay against Segment's analytics-java 3.5.4 on one machine,
 * in one run. See BENCHMARKS.md for what is measured and how; {@code bench/run.sh} runs it.
 */
public final class Bench {

  // Sizes and settings, all overridable with -Dbench.<name>=...
  final int events = Integer.getInteger("bench.events", 200_000);
  /** Events sent, and delivered, before each throughput run, so that it measures warm JVMs. */
  final int warmup = Integer.getInteger("bench.warmup", 200_000);
  /**
   * After the warm-up, further rounds of {@code warmupRound} events while the JIT compiler threads
   * of the process under test used more than {@code warmupJitShare} of its CPU in the last round,
   * up to {@code warmupMax} warm-up events in all: on a slow machine the compiler is still busy
   * after the fixed warm-up, and the measured run would time it.
   */
  final int warmupRound = Integer.getInteger("bench.warmupRound", Math.max(1, warmup / 4));
  final int warmupMax = Integer.getInteger("bench.warmupMax", warmup * 5);
  final double warmupJitShare = Double.parseDouble(System.getProperty("bench.warmupJitShare", "0.10"));
  final int backlog = Integer.getInteger("bench.backlog", 1_000_000);
  final int batch = Integer.getInteger("bench.batch", 100);
  final int senders = Integer.getInteger("bench.senders", 8);
  final int latencyRate = Integer.getInteger("bench.latencyRate", 1_000);
  final int latencySeconds = Integer.getInteger("bench.latencySeconds", 30);
  final int latencyBatch = Integer.getInteger("bench.latencyBatch", 10);
  /** Seconds of the latency run's pace sent first and not measured (see {@link #latency}). */
  final int latencyWarmupSeconds = Integer.getInteger("bench.latencyWarmupSeconds", 10);
  final List<String> phases =
      List.of(System.getProperty("bench.phases", "analytics,h2,postgres,backlog").split(","));
  final String backlogDb = System.getProperty("bench.backlogDb", "postgres");
  final String backlogRetryDelay = System.getProperty("bench.backlogRetryDelay", "PT30S");
  final List<String> relayJvm =
      List.of(System.getProperty("bench.relayJvm",
          "-Xms256m -Xmx256m -XX:+AlwaysPreTouch -XX:+UseParallelGC -XX:ReservedCodeCacheSize=64m -Xss512k").split(" "));
  final String pgServer = System.getProperty("bench.pgServer", "jdbc:postgresql://127.0.0.1:5432/");
  final String pgUser = System.getProperty("bench.pgUser", "postgres");
  final Duration timeout = Duration.ofSeconds(Integer.getInteger("bench.timeoutSeconds", 1800));
  /** How long a relay throughput run may take to deliver before it is cut short and reported so. */
  final Duration deliverTimeout = Duration.ofSeconds(Integer.getInteger("bench.deliverTimeoutSeconds", 240));
  final Path root = Path.of(System.getProperty("bench.root", ".")).toAbsolutePath().normalize();
  final Path jar = root.resolve(System.getProperty("bench.jar", "target/segment-relay.jar"));
  final String stamp = ZonedDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd-HHmmss"));
  final Path results = Path.of(System.getProperty("bench.results", root.resolve("bench/results").toString()));
  final Path logs = results.resolve("logs-" + stamp);
  final Path work = Path.of(System.getProperty("java.io.tmpdir"), "segment-relay-bench-" + stamp);

  /** One column of the table. */
  static final class Run {
    final String name;
    double enqueueOrIngestEps = Double.NaN;
    double deliveredEps = Double.NaN;
    /** Delivered events/s of the warm-up, from a cold JVM. */
    double warmEps = Double.NaN;
    /** Warm-up events in all, further rounds included; and the JIT's share of the last round. */
    long warmed;
    double lastRoundJitShare = Double.NaN;
    long delivered = -1;
    double requestsPerEvent = Double.NaN;
    long duplicates;
    long peakRss = -1;
    long startRss = -1;
    Latency latency;
    String note = "";
    /** CPU used during the measured run (not the warm-up), per part. */
    CpuMeter.Usage cpu;

    Run(String name) {
      this.name = name;
    }
  }

  record Latency(
      double p50, double p95, double p99, double max, int events, int missing, double achievedRate,
      double requestsPerEvent, LatencyHistogram relayHistogram) {}

  record Backlog(
      String db, int events, double ingestEps, double drainSeconds, double waitSeconds,
      double drainEps, long rssBeforeIngest, long rssMaxIngest, long rssEndIngest, long rssMaxDrain,
      long rssEnd, long peakRss, List<long[]> samples, long duplicates, boolean oom) {}

  final List<Run> runs = new ArrayList<>();
  Backlog backlogResult;
  final List<String> problems = new CopyOnWriteArrayList<>();
  final List<String> databases = new CopyOnWriteArrayList<>();
  /** The sandbox of the throughput runs, whose CPU is counted with theirs. */
  Proc sandboxProc;

  /** {@link CpuCalibration}: how fast this machine's cores were at the start of the run. */
  long cpuCalibrationMs;

  public static void main(String[] args) throws Exception {
    new Bench().run();
  }

  void run() throws Exception {
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(jar + " is missing: build it with ./mvnw -q -DskipTests package");
    }
    Files.createDirectories(logs);
    Files.createDirectories(work);
    System.out.printf("segment-relay benchmark %s: %,d events, backlog %,d, phases %s%n",
        stamp, events, backlog, phases);
    cpuCalibrationMs = CpuCalibration.measure();
    System.out.printf("CPU calibration: %d ms (a fixed single-thread workload; lower is faster)%n",
        cpuCalibrationMs);
    var keys = List.of("analytics-key", "h2-key", "postgres-key", "h2-latency-key",
        "postgres-latency-key");
    int sandboxPort = Http.freePort();
    try (var sandbox = startSandbox("sandbox", sandboxPort, String.join(",", keys))) {
      sandboxProc = sandbox;
      var sandboxUrl = "http://127.0.0.1:" + sandboxPort;
      if (phases.contains("analytics")) {
        runs.add(analytics(sandboxUrl));
      }
      if (phases.contains("h2")) {
        runs.add(relay("h2", sandboxUrl));
      }
      if (phases.contains("postgres")) {
        runs.add(relay("postgres", sandboxUrl));
      }
      sandbox.requireAlive();
    }
    if (phases.contains("backlog")) {
      backlogResult = backlog();
    }
    var report = report();
    System.out.println();
    System.out.println(report);
    var file = results.resolve(stamp + ".md");
    Files.writeString(file, report);
    System.out.println("Written to " + root.relativize(file));
    databases.forEach(this::dropDatabase);
    deleteTree(work);
  }

  // ---------------------------------------------------------------- analytics-java

  Run analytics(String sandboxUrl) throws Exception {
    var run = new Run("analytics-java 3.5.4");
    System.out.printf("[analytics-java] sending %,d events%n", events);
    var sender = Proc.java("analytics-java", List.of("-cp", System.getProperty("java.class.path")),
        List.of(AnalyticsSender.class.getName(), sandboxUrl, "analytics-key",
            Integer.toString(events), "aj-" + stamp),
        Map.of(), logs.resolve("analytics-java.log"), true);
    try (sender) {
      var out = new BufferedReader(new InputStreamReader(sender.process.getInputStream(), StandardCharsets.UTF_8));
      Writer in = new OutputStreamWriter(sender.process.getOutputStream(), StandardCharsets.UTF_8);
      expectLine(out, "READY", sender);
      run.startRss = sender.rss();
      if (warmup > 0) {
        warmUp(run, "analytics-java", "client (analytics-java)", sender.pid(), (round, n) -> {
          in.write("WARM " + round + " " + n + "\n");
          in.flush();
          expectLine(out, "WARMED", sender);
          awaitEvents(sandboxUrl, "analytics-key", run.warmed + n, sender);
        });
      }
      var before = keyStats(sandboxUrl, "analytics-key");
      var meter = new CpuMeter(parts("client (analytics-java)", sender.pid()));
      var cpuBefore = meter.snapshot();
      long start = System.nanoTime();
      in.write("GO\n");
      in.flush();
      var enqueued = expectLine(out, "ENQUEUED", sender);
      long enqueueMillis = Long.parseLong(enqueued.split(" ")[1]);
      run.enqueueOrIngestEps = events / (enqueueMillis / 1000.0);
      long done = awaitEvents(sandboxUrl, "analytics-key", run.warmed + events, sender);
      run.deliveredEps = events / seconds(done - start);
      run.cpu = CpuMeter.between(cpuBefore, meter.snapshot(), events);
      run.peakRss = sender.peakRss();
      var stats = keyStats(sandboxUrl, "analytics-key");
      run.requestsPerEvent =
          (stats.path("requests").asDouble() - before.path("requests").asDouble()) / events;
      run.duplicates = stats.path("duplicates").asLong();
      run.note = "in-memory queue, not durable; JVM defaults";
      in.close();
    }
    System.out.printf("[analytics-java] %,.0f events/s delivered, peak RSS %s; CPU ms per 1,000 events: %s%n",
        run.deliveredEps, mb(run.peakRss), run.cpu == null ? "n/a"
            : run.cpu.describe() + "; client's " + run.cpu.describeJvm());
    return run;
  }

  /** The processes whose CPU a throughput run reports: the system under test, then the others. */
  private Map<String, Long> parts(String name, long pid) {
    var parts = new LinkedHashMap<String, Long>();
    parts.put(name, pid);
    parts.put("sandbox", sandboxProc.pid());
    parts.put("harness", ProcessHandle.current().pid());
    return parts;
  }

  /**
   * Sends one warm-up round ({@code n} events; round 0 is the warm-up itself) and returns once the
   * sandbox holds it.
   */
  interface WarmupRound {
    void send(int round, int n) throws Exception;
  }

  /**
   * The warm-up ({@link #warmup} events, from a cold JVM, timed), then further rounds while the
   * process's JIT compiler threads used more than {@link #warmupJitShare} of its CPU in the last
   * round (see {@link #warmupRound}).
   */
  private void warmUp(Run run, String label, String part, long pid, WarmupRound sendRound)
      throws Exception {
    long warmStart = System.nanoTime();
    sendRound.send(0, warmup);
    run.warmEps = warmup / seconds(System.nanoTime() - warmStart);
    run.warmed = warmup;
    for (int round = 1; run.warmed < warmupMax; round++) {
      int n = (int) Math.min(warmupRound, warmupMax - run.warmed);
      var meter = new CpuMeter(Map.of(part, pid));
      var before = meter.snapshot();
      sendRound.send(round, n);
      var usage = CpuMeter.between(before, meter.snapshot(), n);
      run.warmed += n;
      double total = usage.msPerThousand().getOrDefault(part, 0.0);
      run.lastRoundJitShare = total == 0 ? 0 : usage.jvmThreads().getOrDefault("JIT", 0.0) / total;
      System.out.printf("[%s] warm-up round %d: %,d events, JIT compiler %.0f%% of the CPU%n",
          label, round, n, 100 * run.lastRoundJitShare);
      if (run.lastRoundJitShare <= warmupJitShare) {
        return;
      }
    }
  }

  private static String expectLine(BufferedReader out, String prefix, Proc proc) throws IOException {
    String line;
    while ((line = out.readLine()) != null) {
      if (line.startsWith(prefix)) {
        return line;
      }
    }
    throw new IllegalStateException(proc.name + " ended before " + prefix + "; see " + proc.log);
  }

  // ---------------------------------------------------------------- relay: throughput + latency

  Run relay(String db, String sandboxUrl) throws Exception {
    var run = new Run("relay, " + (db.equals("h2") ? "H2" : "PostgreSQL"));
    var dbName = db.equals("h2") ? null : createDatabase(db);
    try (var proxy = new TimingProxy(sandboxUrl);
        var relay = startRelay(db, dbName, List.of(sandboxUrl, proxy.baseUrl()), Map.of())) {
      run.startRss = relay.proc.rss();
      var ingestKey = relay.tenant("bench " + db, db + "-key", sandboxUrl);
      if (warmup > 0) {
        System.out.printf("[relay %s] warm-up: %,d events%n", db, warmup);
        warmUp(run, "relay " + db, "relay", relay.proc.pid(), (round, n) -> {
          relay.ingest(ingestKey, db + "-warm" + round + "-" + stamp, n, batch, senders);
          awaitEvents(sandboxUrl, db + "-key", run.warmed + n, relay.proc);
        });
      }
      var before = keyStats(sandboxUrl, db + "-key");
      long baseline = before.path("events").asLong();
      System.out.printf("[relay %s] sending %,d events (%d senders, %d per request)%n",
          db, events, senders, batch);
      var meter = new CpuMeter(parts("relay", relay.proc.pid()));
      var cpuBefore = meter.snapshot();
      long start = System.nanoTime();
      long lastAck = relay.ingest(ingestKey, db + "-" + stamp, events, batch, senders);
      run.enqueueOrIngestEps = events / seconds(lastAck - start);
      long deadline = start + deliverTimeout.toNanos();
      long delivered;
      long done;
      while (true) {
        delivered = keyStats(sandboxUrl, db + "-key").path("events").asLong() - baseline;
        done = System.nanoTime();
        if (delivered >= events || done > deadline) {
          break;
        }
        relay.proc.requireAlive();
        Http.sleep(50);
      }
      run.delivered = delivered;
      run.deliveredEps = delivered / seconds(done - start);
      run.cpu = CpuMeter.between(cpuBefore, meter.snapshot(), delivered);
      System.out.printf("[relay %s] CPU ms per 1,000 events: %s; relay's %s%n", db, run.cpu.describe(),
          run.cpu.describeJvm());
      var stats = keyStats(sandboxUrl, db + "-key");
      run.requestsPerEvent = (stats.path("requests").asDouble() - before.path("requests").asDouble())
          / Math.max(1, stats.path("events").asLong() - baseline);
      run.duplicates = stats.path("duplicates").asLong();
      System.out.printf("[relay %s] ingest %,.0f events/s, delivered %,d in %.0f s: %,.0f events/s, %.4f requests/event%n",
          db, run.enqueueOrIngestEps, delivered, seconds(done - start), run.deliveredEps, run.requestsPerEvent);
      if (delivered < events) {
        problems.add(String.format(Locale.ROOT, "relay %s: only %,d of %,d events delivered within %d s;"
            + " the latency run used a fresh relay", db, delivered, events, deliverTimeout.toSeconds()));
        run.peakRss = relay.proc.peakRss();
        checkLog(relay.proc);
        relay.close();
        try (var fresh = startRelay(db, dbName == null ? null : createDatabase(db + "_lat"),
            List.of(sandboxUrl, proxy.baseUrl()), Map.of())) {
          run.latency = latency(db, fresh, proxy, sandboxUrl);
          run.peakRss = Math.max(run.peakRss, fresh.proc.peakRss());
          checkLog(fresh.proc);
        }
      } else {
        run.latency = latency(db, relay, proxy, sandboxUrl);
        run.peakRss = relay.proc.peakRss();
        checkLog(relay.proc);
      }
      System.out.printf("[relay %s] latency p50 %.1f ms, p99 %.1f ms; peak RSS %s%n",
          db, run.latency.p50(), run.latency.p99(), mb(run.peakRss));
    } finally {
      dropDatabase(dbName);
    }
    return run;
  }

  /**
   * Steady {@code latencyRate} events/s for {@code latencySeconds}, in requests of {@code
   * latencyBatch} evenly spaced; per event, the time from its request's 202 (as the harness sees
   * it) to the moment its batch has arrived at the timing proxy in front of the sandbox. First the
   * same for {@code latencyWarmupSeconds}, not measured: the throughput run warmed the relay's
   * (and the harness's) code for large requests sent flat out, not for small ones sent one by one
   * through the proxy, whose first seconds would otherwise time the JIT compiling them.
   */
  Latency latency(String db, Relay relay, TimingProxy proxy, String sandboxUrl) {
    var key = db + "-latency-key";
    var ingestKey = relay.tenant("latency " + db, key, proxy.baseUrl());
    var runId = db + "-lat-" + stamp;
    int total = latencyRate * latencySeconds;
    int requests = total / latencyBatch;
    if (latencyWarmupSeconds > 0) {
      System.out.printf("[relay %s] latency warm-up: %,d events/s for %d s, not measured%n",
          db, latencyRate, latencyWarmupSeconds);
      int warmRequests = latencyRate * latencyWarmupSeconds / latencyBatch;
      int seen = proxy.receivedAt.size();
      var warm = pace(relay, ingestKey, db + "-latwarm-" + stamp, warmRequests);
      if (warm.failures() > 0) {
        problems.add("latency warm-up " + db + ": " + warm.failures() + " ingest requests failed: "
            + warm.failure());
      }
      awaitProxy(proxy, seen + (warmRequests - warm.failures()) * latencyBatch);
    }
    var statsBefore = keyStats(sandboxUrl, key);
    System.out.printf("[relay %s] latency: %,d events/s for %d s, %d events per request%n",
        db, latencyRate, latencySeconds, latencyBatch);
    var scrapeUrl = relay.url + "/actuator/prometheus";
    // The relay records a delivery in its histogram once the 2xx is back and the outcome written,
    // a little after the sandbox counted it: let the earlier runs' last outcomes land first (the
    // count unchanged for a second), so the window holds the measured latency run only.
    var histogramBefore = LatencyHistogram.parse(Http.getText(scrapeUrl));
    long settleDeadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < settleDeadline) {
      Http.sleep(1_000);
      var again = LatencyHistogram.parse(Http.getText(scrapeUrl));
      boolean settled = again.count() == histogramBefore.count();
      histogramBefore = again;
      if (settled) {
        break;
      }
    }
    int seen = proxy.receivedAt.size();
    var paced = pace(relay, ingestKey, runId, requests);
    var acked = paced.acked();
    double achieved = paced.achievedRate();
    if (paced.failures() > 0) {
      problems.add("latency run " + db + ": " + paced.failures() + " ingest requests failed: " + paced.failure());
    }
    awaitProxy(proxy, seen + total - paced.failures() * latencyBatch);
    var latencies = new ArrayList<Double>(total);
    int missing = 0;
    for (int k = 0; k < requests; k++) {
      for (int j = 0; j < latencyBatch; j++) {
        var at = proxy.receivedAt.get(runId + "-" + (k * latencyBatch + j));
        if (at == null || acked[k] == 0) {
          missing++;
        } else {
          // Delivery may start before the 202 reaches the client: that counts as 0.
          latencies.add(Math.max(0, at - acked[k]) / 1e6);
        }
      }
    }
    if (missing > 0) {
      problems.add("latency run " + db + ": " + missing + " events never reached the sandbox");
    }
    Collections.sort(latencies);
    // The relay records its histogram once Segment's (here the sandbox's, via the proxy) 2xx is
    // back, a moment after the proxy saw the request: wait briefly for the counts to catch up.
    var histogram = LatencyHistogram.parse(Http.getText(scrapeUrl)).minus(histogramBefore);
    long histogramDeadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (histogram.count() < latencies.size() && System.nanoTime() < histogramDeadline) {
      Http.sleep(200);
      histogram = LatencyHistogram.parse(Http.getText(scrapeUrl)).minus(histogramBefore);
    }
    System.out.printf("[relay %s] relay histogram, accepted → 2xx: p50 ≤ %s ms, p95 ≤ %s ms, p99 ≤ %s ms (%,d deliveries)%n",
        db, LatencyHistogram.ms(histogram.upperBoundMillis(50)), LatencyHistogram.ms(histogram.upperBoundMillis(95)),
        LatencyHistogram.ms(histogram.upperBoundMillis(99)), histogram.count());
    var stats = keyStats(sandboxUrl, key);
    return new Latency(pct(latencies, 50), pct(latencies, 95), pct(latencies, 99),
        latencies.isEmpty() ? Double.NaN : latencies.getLast(), latencies.size(), missing, achieved,
        (stats.path("requests").asDouble() - statsBefore.path("requests").asDouble())
            / Math.max(1, stats.path("events").asLong() - statsBefore.path("events").asLong()),
        histogram);
  }

  /** Waits, for at most 120 s, until the pass-through has seen {@code events} events in all. */
  private static void awaitProxy(TimingProxy proxy, int events) {
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    while (proxy.receivedAt.size() < events && System.nanoTime() < deadline) {
      Http.sleep(100);
    }
  }

  /** What {@link #pace} sent: each request's 202 time (0 where it failed) and the rate achieved. */
  record Paced(long[] acked, double achievedRate, int failures, String failure) {}

  /**
   * Sends {@code requests} requests of {@code latencyBatch} events ({@code <runId>-<n>}) at
   * {@code latencyRate} events/s, evenly spaced, and returns once every one is answered.
   */
  Paced pace(Relay relay, String ingestKey, String runId, int requests) {
    long interval = 1_000_000_000L * latencyBatch / latencyRate;
    var acked = new long[requests];
    var failures = new AtomicInteger();
    var failure = new AtomicReference<String>();
    var inFlight = new java.util.concurrent.CountDownLatch(requests);
    long start = System.nanoTime();
    long lastSend = start;
    for (int k = 0; k < requests; k++) {
      long due = start + k * interval;
      long now;
      while ((now = System.nanoTime()) < due) {
        LockSupport.parkNanos(due - now);
      }
      lastSend = now;
      int index = k;
      var body = Payloads.batch(runId, k * latencyBatch, (k + 1) * latencyBatch);
      Http.CLIENT.sendAsync(relay.ingestRequest(ingestKey, body), HttpResponse.BodyHandlers.ofString())
          .whenComplete((response, error) -> {
            long at = System.nanoTime();
            if (error == null && response.statusCode() == 202) {
              acked[index] = at;
            } else {
              failures.incrementAndGet();
              failure.compareAndSet(null, error != null ? error.toString()
                  : response.statusCode() + " " + response.body());
            }
            inFlight.countDown();
          });
    }
    double achieved = (requests - 1) * latencyBatch / seconds(lastSend - start);
    try {
      inFlight.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    return new Paced(acked, achieved, failures.get(), failure.get());
  }

  private static double pct(List<Double> sorted, double p) {
    if (sorted.isEmpty()) {
      return Double.NaN;
    }
    int index = (int) Math.ceil(p / 100 * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
  }

  // ---------------------------------------------------------------- backlog

  /**
   * {@code backlog} events accepted while Segment (the sandbox) is down: the relay starts pointing
   * at a port where nothing listens; every first attempt fails with a connection error and is
   * retried every {@code backlogRetryDelay}. Once all are accepted the sandbox starts on that port;
   * measured: time until it holds them all, and the relay's RSS sampled every second throughout.
   */
  Backlog backlog() throws Exception {
    int port = Http.freePort();
    var endpoint = "http://127.0.0.1:" + port;
    var delays = String.join(",", Collections.nCopies(60, backlogRetryDelay));
    var dbName = backlogDb.equals("h2") ? null : createDatabase("backlog");
    var samples = new CopyOnWriteArrayList<long[]>();
    try (var relay = startRelay(backlogDb, dbName, List.of(endpoint),
        Map.of("RELAY_DELIVERY_RETRY_DELAYS", delays))) {
      var ingestKey = relay.tenant("backlog", "backlog-key", endpoint);
      long phaseStart = System.nanoTime();
      var sampling = new java.util.concurrent.atomic.AtomicBoolean(true);
      var sampler = Thread.ofPlatform().daemon().name("rss-sampler").start(() -> {
        while (sampling.get()) {
          samples.add(new long[] {System.nanoTime() - phaseStart, relay.proc.rss()});
          LockSupport.parkNanos(1_000_000_000L);
        }
      });
      long rssBefore = relay.proc.rss();
      System.out.printf("[backlog %s] accepting %,d events while the sandbox is down%n", backlogDb, backlog);
      long lastAck = relay.ingest(ingestKey, "bl-" + stamp, backlog, batch, senders);
      double ingestEps = backlog / seconds(lastAck - phaseStart);
      long ingestEnd = System.nanoTime() - phaseStart;
      System.out.printf("[backlog %s] accepted at %,.0f events/s; starting the sandbox%n", backlogDb, ingestEps);
      long up;
      long first;
      long done;
      try (var sandbox = startSandbox("backlog-sandbox", port, "backlog-key")) {
        up = System.nanoTime();
        first = 0;
        long deadline = up + timeout.toNanos();
        while (true) {
          var stats = keyStats(endpoint, "backlog-key");
          long received = stats.path("events").asLong();
          long now = System.nanoTime();
          if (first == 0 && received > 0) {
            first = now;
          }
          if (received >= backlog) {
            done = now;
            break;
          }
          relay.proc.requireAlive();
          if (now > deadline) {
            throw new IllegalStateException("backlog not drained after " + timeout + ": " + received);
          }
          Http.sleep(200);
        }
        var stats = keyStats(endpoint, "backlog-key");
        Http.sleep(3_000);
        sampling.set(false);
        sampler.join();
        long drainStart = up - phaseStart;
        long rssMaxIngest = samples.stream().filter(s -> s[0] <= ingestEnd).mapToLong(s -> s[1]).max().orElse(-1);
        long rssEndIngest = samples.stream().filter(s -> s[0] <= drainStart).mapToLong(s -> s[1]).reduce((a, b) -> b).orElse(-1);
        long rssMaxDrain = samples.stream().filter(s -> s[0] >= drainStart).mapToLong(s -> s[1]).max().orElse(-1);
        long rssEnd = samples.getLast()[1];
        boolean oom = Files.readString(relay.proc.log).contains("OutOfMemoryError");
        var result = new Backlog(backlogDb, backlog, ingestEps, seconds(done - up), seconds(first - up),
            backlog / seconds(done - first), rssBefore, rssMaxIngest, rssEndIngest, rssMaxDrain,
            rssEnd, relay.proc.peakRss(), List.copyOf(samples), stats.path("duplicates").asLong(), oom);
        System.out.printf("[backlog %s] drained in %.1f s (first delivery after %.1f s), peak RSS %s%n",
            backlogDb, result.drainSeconds(), result.waitSeconds(), mb(result.peakRss()));
        checkLog(relay.proc);
        return result;
      }
    } finally {
      dropDatabase(dbName);
    }
  }

  // ---------------------------------------------------------------- processes

  Proc startSandbox(String name, int port, String keys) {
    var proc = Proc.java(name, List.of("-XX:+UseSerialGC", "-Xmx2g"),
        List.of("-jar", jar.toString(), "sandbox", "--port=" + port, "--write-keys=" + keys,
            "--record=counts"),
        Map.of(), logs.resolve(name + ".log"), false);
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!Http.up("http://127.0.0.1:" + port + "/stats")) {
      proc.requireAlive();
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(name + " did not start; see " + proc.log);
      }
      Http.sleep(100);
    }
    return proc;
  }

  Relay startRelay(String db, String dbName, List<String> endpoints, Map<String, String> env)
      throws IOException {
    var dataDir = work.resolve("data-" + db + "-" + System.nanoTime());
    Files.createDirectories(dataDir);
    var url = dbName == null ? null : pgServer + dbName + "?user=" + pgUser;
    var name = "relay-" + db + (env.isEmpty() ? "" : "-backlog");
    var jvm = new ArrayList<>(relayJvm);
    jvm.addAll(List.of(System.getProperty("bench.relayJvmExtra", "").split(" ")).stream()
        .filter(s -> !s.isBlank()).toList());
    return Relay.start(name, jar, jvm, dataDir, url, endpoints, env, logs.resolve(name + ".log"));
  }

  String createDatabase(String label) throws SQLException {
    var name = ("bench_" + label + "_" + stamp).replace('-', '_').toLowerCase(Locale.ROOT);
    try (var c = DriverManager.getConnection(pgServer + "postgres?user=" + pgUser);
        var s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    }
    databases.add(name);
    return name;
  }

  void dropDatabase(String name) {
    if (name == null || Boolean.getBoolean("bench.keepDatabases")) {
      return;
    }
    try (var c = DriverManager.getConnection(pgServer + "postgres?user=" + pgUser);
        var s = c.createStatement()) {
      s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    } catch (SQLException e) {
      problems.add("could not drop database " + name + ": " + e.getMessage());
    }
  }

  void checkLog(Proc proc) throws IOException {
    var text = Files.readString(proc.log);
    if (text.contains("OutOfMemoryError")) {
      problems.add(proc.name + ": OutOfMemoryError in its log");
    }
    long errors = text.lines().filter(l -> l.contains(" ERROR ")).count();
    if (errors > 0) {
      problems.add(proc.name + ": " + errors + " ERROR lines in " + root.relativize(proc.log));
    }
  }

  /** Polls the sandbox until {@code key} holds {@code n} events; returns that moment's nanoTime. */
  long awaitEvents(String sandboxUrl, String key, long n, Proc producer) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      long received = keyStats(sandboxUrl, key).path("events").asLong();
      long now = System.nanoTime();
      if (received >= n) {
        return now;
      }
      producer.requireAlive();
      if (now > deadline) {
        throw new IllegalStateException(key + ": only " + received + " of " + n + " after " + timeout);
      }
      Http.sleep(50);
    }
  }

  static com.fasterxml.jackson.databind.JsonNode keyStats(String sandboxUrl, String key) {
    return Http.get(sandboxUrl + "/stats").path("writeKeys").path(key);
  }

  // ---------------------------------------------------------------- report

  String report() throws IOException {
    var out = new StringBuilder();
    out.append("# segment-relay vs analytics-java: ").append(stamp).append("\n\n");
    out.append("Machine: ").append(machine()).append(String.format(Locale.ROOT,
        "; CPU calibration %d ms (a fixed single-thread workload, lower is faster: compare"
            + " machines with it)", cpuCalibrationMs)).append("\n\n");
    out.append(String.format(Locale.ROOT,
        "Settings: %,d events after a warm-up of %,d (each throughput run first sends and delivers"
            + " the warm-up events through the same process, so that it measures warm JVMs);"
            + " relay ingest in requests of %d events from %d concurrent senders;"
            + " latency at %,d events/s for %d s (after %d s at that pace, not measured) in requests"
            + " of %d; backlog %,d events on %s"
            + " with RELAY_DELIVERY_RETRY_DELAYS=%s (x60); relay JVM `%s`.%n%n",
        events, warmup, batch, senders, latencyRate, latencySeconds, latencyWarmupSeconds, latencyBatch, backlog,
        backlogDb.equals("h2") ? "H2" : "PostgreSQL", backlogRetryDelay, String.join(" ", relayJvm)));
    if (!runs.isEmpty()) {
      var baseline = runs.stream().filter(r -> r.name.startsWith("analytics")).findFirst().orElse(null);
      out.append("| Measure | ").append(runs.stream().map(r -> r.name).collect(Collectors.joining(" | ")))
          .append(" | Target |\n");
      out.append("|---|").append("---:|".repeat(runs.size())).append("---|\n");
      row(out, "Accepted events/s (client enqueue / relay ingest 202)", r -> fmt(r.enqueueOrIngestEps), "");
      row(out, "Delivered events/s (start → sandbox holds all)", r -> fmt(r.deliveredEps)
          + (r.delivered >= 0 && r.delivered < events ? String.format(Locale.ROOT,
              " (only %,d of %,d within %d s)", r.delivered, events, deliverTimeout.toSeconds()) : ""), "");
      if (warmup > 0) {
        row(out, "Warm-up delivered events/s (cold JVM)", r -> fmt(r.warmEps), "");
        row(out, "Warm-up events in all; JIT compiler's share of the last warm-up round's CPU",
            r -> String.format(Locale.ROOT, "%,d; %.0f%%", r.warmed, 100 * r.lastRoundJitShare), "");
      }
      if (baseline != null) {
        row(out, "Delivered, × analytics-java", r -> String.format(Locale.ROOT, "%.2f×",
            r.deliveredEps / baseline.deliveredEps), "relay ≥ 2×");
      }
      row(out, "CPU ms per 1,000 delivered events, by process (measured run)",
          r -> r.cpu == null ? "n/a" : r.cpu.describe().replace(" · ", "<br>"), "");
      row(out, "of which the client's or relay's JIT compiler and GC threads (ms per 1,000 events)",
          r -> r.cpu == null ? "n/a" : r.cpu.describeJvm(), "");
      row(out, "Requests to the sandbox per event", r -> String.format(Locale.ROOT, "%.4f", r.requestsPerEvent),
          "relay ≤ 0.01");
      row(out, "Duplicates at the sandbox", r -> Long.toString(r.duplicates), "0");
      row(out, "Peak RSS (VmHWM)", r -> mb(r.peakRss), "relay < 512 MB");
      row(out, "RSS when idle before the run", r -> mb(r.startRss), "");
      row(out, "Latency 202 → sandbox p50 / p95 / p99 (ms)", r -> r.latency == null ? "n/a"
          : String.format(Locale.ROOT, "%.1f / %.1f / %.1f", r.latency.p50(), r.latency.p95(), r.latency.p99()),
          "p99 ≤ 100 ms");
      row(out, "Latency inside the relay, accepted → Segment 2xx, p50 / p95 / p99 (ms, bucket upper bounds)",
          r -> r.latency == null || r.latency.relayHistogram() == null ? "n/a" : relayLatency(r.latency.relayHistogram()),
          "");
      row(out, "Latency max (ms); events measured", r -> r.latency == null ? "n/a"
          : String.format(Locale.ROOT, "%.1f; %,d (%d missing)", r.latency.max(), r.latency.events(),
              r.latency.missing()), "");
      row(out, "Latency run: achieved events/s; requests/event", r -> r.latency == null ? "n/a"
          : String.format(Locale.ROOT, "%,.0f; %.3f", r.latency.achievedRate(), r.latency.requestsPerEvent()), "");
      row(out, "Durable", r -> r.name.startsWith("analytics") ? "no (in memory)" : "yes", "");
      out.append("\n");
      if (runs.stream().anyMatch(r -> r.latency != null)) {
        out.append("Latency: the target is checked on *202 → sandbox*, timed outside the relay (the 202 at"
            + " the bench client, receipt at the pass-through in front of the sandbox, one clock). *Inside"
            + " the relay* is the relay's own `relay_delivery_latency_seconds` histogram over the same run"
            + " (difference of two `/actuator/prometheus` scrapes), from the event's acceptance (before"
            + " its 202) until the relay has the sandbox's 2xx back and the outcome written (after every"
            + " batch of that claim was sent), each percentile given as the upper bound of its bucket."
            + " The two differ: the inside one includes the pass-through's forwarding hop, the sandbox's"
            + " answer and the outcome write; the outside one includes the 202's way back to the bench"
            + " client. And the bench client, the pass-through (both in the harness's JVM) and the"
            + " sandbox share the machine's cores with the relay (and PostgreSQL), so either clock can"
            + " include waits for a core that a relay with the machine to itself would not see.\n\n");
      }
    }
    if (backlogResult != null) {
      var b = backlogResult;
      out.append("Backlog: ").append(String.format(Locale.ROOT, "%,d", b.events()))
          .append(" events accepted while the sandbox was down (relay on ")
          .append(b.db().equals("h2") ? "H2" : "PostgreSQL")
          .append("; first attempts fail with connection refused; retries every ")
          .append(backlogRetryDelay).append("), then the sandbox started.\n\n");
      out.append("| Measure | Value | Target |\n|---|---:|---|\n");
      out.append(String.format(Locale.ROOT, "| Accepted events/s while down | %s | |%n", fmt(b.ingestEps())));
      out.append(String.format(Locale.ROOT, "| Time to drain (sandbox up → holds all) | %.1f s | |%n", b.drainSeconds()));
      out.append(String.format(Locale.ROOT, "| of which waiting for the retry to fall due | %.1f s | ≤ %s |%n",
          b.waitSeconds(), backlogRetryDelay));
      out.append(String.format(Locale.ROOT, "| Drain rate (first → last delivery) | %s events/s | |%n", fmt(b.drainEps())));
      out.append(String.format(Locale.ROOT, "| Relay RSS: before / max while accepting / at end of accepting | %s / %s / %s | |%n",
          mb(b.rssBeforeIngest()), mb(b.rssMaxIngest()), mb(b.rssEndIngest())));
      out.append(String.format(Locale.ROOT, "| Relay RSS: max while draining / after drain | %s / %s | flat |%n",
          mb(b.rssMaxDrain()), mb(b.rssEnd())));
      out.append(String.format(Locale.ROOT, "| Relay peak RSS (VmHWM) | %s | < 512 MB |%n", mb(b.peakRss())));
      out.append(String.format(Locale.ROOT, "| Duplicates at the sandbox | %d | |%n%n", b.duplicates()));
      out.append("RSS samples (s: MB): ");
      long step = Math.max(1, b.samples().size() / 30);
      for (int i = 0; i < b.samples().size(); i += (int) step) {
        var s = b.samples().get(i);
        out.append(String.format(Locale.ROOT, "%d: %d  ", s[0] / 1_000_000_000L, s[1] >> 20));
      }
      out.append("\n\n");
    }
    out.append("Targets:\n\n").append(targets()).append("\n");
    if (!problems.isEmpty()) {
      out.append("Problems seen:\n\n");
      problems.forEach(p -> out.append("- ").append(p).append("\n"));
      out.append("\n");
    }
    out.append("Logs: `").append(root.relativize(logs)).append("/`\n");
    return out.toString();
  }

  private String targets() {
    var out = new StringBuilder();
    var baseline = runs.stream().filter(r -> r.name.startsWith("analytics")).findFirst().orElse(null);
    for (var r : runs) {
      if (r.name.startsWith("analytics")) {
        continue;
      }
      if (baseline != null) {
        double ratio = r.deliveredEps / baseline.deliveredEps;
        target(out, ratio >= 2, String.format(Locale.ROOT, "%s: delivered %.2f× analytics-java (≥ 2×)", r.name, ratio));
      }
      if (r.latency != null) {
        target(out, r.latency.p99() <= 100 && r.latency.missing() == 0,
            String.format(Locale.ROOT, "%s: p99 ingest → sandbox %.1f ms at %,d events/s (≤ 100 ms)",
                r.name, r.latency.p99(), latencyRate));
      }
      target(out, r.requestsPerEvent <= 0.01, String.format(Locale.ROOT,
          "%s: %.4f requests per event under load (≤ 0.01)", r.name, r.requestsPerEvent));
      target(out, r.peakRss > 0 && r.peakRss < 512L << 20, String.format(Locale.ROOT,
          "%s: peak RSS %s (< 512 MB)", r.name, mb(r.peakRss)));
    }
    if (backlogResult != null) {
      var b = backlogResult;
      target(out, b.peakRss() > 0 && b.peakRss() < 512L << 20,
          "backlog: peak RSS " + mb(b.peakRss()) + " (< 512 MB)");
      long base = Math.max(b.rssEndIngest(), b.rssMaxIngest());
      boolean flat = !b.oom() && b.rssMaxDrain() <= base * 1.10 + (16L << 20);
      target(out, flat, "backlog: RSS flat while draining (max " + mb(b.rssMaxDrain())
          + " vs " + mb(base) + " while accepting; within 10% + 16 MB; no OutOfMemoryError)");
    }
    return out.toString();
  }

  private static String relayLatency(LatencyHistogram h) {
    return String.format(Locale.ROOT, "≤ %s / ≤ %s / ≤ %s; %,d deliveries",
        LatencyHistogram.ms(h.upperBoundMillis(50)), LatencyHistogram.ms(h.upperBoundMillis(95)),
        LatencyHistogram.ms(h.upperBoundMillis(99)), h.count());
  }

  private static void target(StringBuilder out, boolean pass, String text) {
    out.append("- ").append(pass ? "PASS" : "MISS").append(": ").append(text).append("\n");
  }

  private void row(StringBuilder out, String label, java.util.function.Function<Run, String> value, String target) {
    out.append("| ").append(label).append(" | ")
        .append(runs.stream().map(value).collect(Collectors.joining(" | ")))
        .append(" | ").append(target).append(" |\n");
  }

  static String machine() throws IOException {
    var cpu = Files.lines(Path.of("/proc/cpuinfo")).filter(l -> l.startsWith("model name"))
        .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("?");
    var mem = Files.lines(Path.of("/proc/meminfo")).filter(l -> l.startsWith("MemTotal"))
        .findFirst().map(l -> Long.parseLong(l.replaceAll("\\D", "")) / 1024 / 1024.0).orElse(0.0);
    var os = Files.exists(Path.of("/etc/os-release"))
        ? Files.lines(Path.of("/etc/os-release")).filter(l -> l.startsWith("PRETTY_NAME="))
            .findFirst().map(l -> l.substring(13).replace("\"", "")).orElse("?")
        : "?";
    return String.format(Locale.ROOT, "%d cores (%s), %.1f GB RAM, JDK %s (%s), %s, Linux %s",
        Runtime.getRuntime().availableProcessors(), cpu, mem, Runtime.version(),
        System.getProperty("java.vm.vendor"), os, System.getProperty("os.version"));
  }

  static String fmt(double eps) {
    return Double.isNaN(eps) ? "n/a" : String.format(Locale.ROOT, "%,.0f", eps);
  }

  static String mb(long bytes) {
    return bytes < 0 ? "n/a" : String.format(Locale.ROOT, "%d MB", bytes >> 20);
  }

  static double seconds(long nanos) {
    return nanos / 1e9;
  }

  static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // leave it
    }
  }
}
