package io.segmentrelay.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import io.segmentrelay.sandbox.FaultRule;
import io.segmentrelay.sandbox.RecordMode;
import io.segmentrelay.sandbox.SandboxReceiver;
import io.segmentrelay.sandbox.SandboxServer;
import io.segmentrelay.support.Api;
import io.segmentrelay.support.TestDatabases;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The relay as operators run it, abused: killed with SIGKILL under load, stopped with SIGTERM,
 * its PostgreSQL restarted under it. Every event answered 202 must reach the sandbox, which stands
 * in for Segment with a little latency, so that deliveries are in flight when the blow falls.
 * Each test prints a line of figures (kills, events, lost, duplicates, recovery).
 */
@Tag("chaos")
class ChaosTest {

  private static final String WRITE_KEY = "chaos-write-key";
  private static final int KILLS = 10;
  /** The relays' output, kept after the run for a look at what happened. */
  private static final Path LOGS = Path.of("target", "chaos");

  @TempDir Path dir;
  private SandboxServer sandbox;
  private final List<RelayProcess> relays = new ArrayList<>();
  private final Random random = new Random(20261203);

  @BeforeEach
  void startSandbox() throws IOException {
    java.nio.file.Files.createDirectories(LOGS);
    // No byte budget: every acknowledged event must still be there to be counted at the end.
    var receiver = new SandboxReceiver(
        List.of(WRITE_KEY), RecordMode.FULL, Clock.systemUTC(), Long.MAX_VALUE);
    receiver.addFault(new FaultRule(0, null, 20, false, 0, null, null));
    sandbox = SandboxServer.start(0, receiver);
  }

  @AfterEach
  void stopAll() {
    relays.forEach(RelayProcess::close);
    sandbox.close();
  }

  @Test
  void kill_9_under_load_on_the_embedded_h2_loses_nothing_acknowledged() throws Exception {
    var relay = relay("h2", Map.of("RELAY_DATA_DIR", dir.resolve("data").toString()));
    relay.start();
    var ingestKey = setUp(relay);
    var kills = new ArrayList<Kill>();
    try (var load = new Load(List.of(relay.baseUrl()), ingestKey, 20)) {
      for (int i = 0; i < KILLS; i++) {
        load.start(2);
        RelayProcess.pause(500 + random.nextInt(1500));
        kills.add(new Kill(Instant.now(), load.acked(), received().keySet()));
        relay.kill();
        load.stop();
        relay.start();
      }
      var report = settle(load, kills, "H2, kill -9");
      assertThat(report.recoverySeconds()).as("work resumes within 20 s of a restart")
          .isLessThanOrEqualTo(20);
    }
  }

  @Test
  void kill_9_of_one_of_two_postgresql_nodes_under_load_loses_nothing_acknowledged()
      throws Exception {
    var database = Map.of("SPRING_DATASOURCE_URL", TestDatabases.freshPostgresUrl());
    var a = relay("pg-a", database);
    var b = relay("pg-b", database);
    a.start();
    b.start();
    var ingestKey = setUp(a);
    var kills = new ArrayList<Kill>();
    try (var load = new Load(List.of(a.baseUrl(), b.baseUrl()), ingestKey, 20)) {
      load.start(2);
      for (int i = 0; i < KILLS; i++) {
        RelayProcess.pause(500 + random.nextInt(1500));
        kills.add(new Kill(Instant.now(), load.acked(), received().keySet()));
        a.kill();
        a.start();
      }
      load.stop();
      var report = settle(load, kills, "PostgreSQL, two nodes, kill -9 of one");
      assertThat(report.recoverySeconds())
          .as("a dead node's work is taken over within 30 s").isLessThanOrEqualTo(30);
    }
  }

  @Test
  void a_postgresql_restart_under_load_gives_503s_then_recovery_and_loses_nothing()
      throws Exception {
    int port = freePort();
    try (var postgres = new ScratchPostgres(port)) {
      postgres.start();
      var relay = relay("pg-restart", Map.of("SPRING_DATASOURCE_URL", postgres.jdbcUrl()));
      relay.start();
      var ingestKey = setUp(relay);
      try (var load = new Load(List.of(relay.baseUrl()), ingestKey, 20)) {
        load.start(2);
        RelayProcess.pause(2000);
        postgres.stop();
        boolean healthDown = false;
        for (int i = 0; i < 10 && !healthDown; i++) {
          healthDown = relay.health() == 503;
        }
        RelayProcess.pause(3000);
        postgres.start();
        var restarted = new Kill(Instant.now(), load.acked(), received().keySet());
        long back = System.nanoTime();
        while (relay.health() != 200) {
          RelayProcess.pause(200);
          assertThat(System.nanoTime() - back).as("health UP again within 60 s")
              .isLessThan(Duration.ofSeconds(60).toNanos());
        }
        RelayProcess.pause(2000);
        load.stop();
        assertThat(healthDown).as("health DOWN while the database is away").isTrue();
        assertThat(load.unavailable.get()).as("503s while the database is away").isPositive();
        assertThat(load.unavailableWithoutRetryAfter.get()).isZero();
        var report = settle(load, List.of(restarted), "PostgreSQL restarted under load");
        assertThat(report.lost()).isZero();
      }
    }
  }

  @Test
  void sigterm_under_load_loses_nothing_and_sends_nothing_twice() throws Exception {
    var relay = relay("h2-term", Map.of("RELAY_DATA_DIR", dir.resolve("data").toString()));
    relay.start();
    var ingestKey = setUp(relay);
    try (var load = new Load(List.of(relay.baseUrl()), ingestKey, 20)) {
      load.start(2);
      RelayProcess.pause(2000);
      var stopped = Instant.now();
      relay.terminate();
      load.stop();
      relay.start();
      var report = settle(load, List.of(new Kill(stopped, load.acked(), received().keySet())),
          "H2, SIGTERM");
      assertThat(report.duplicates()).as("nothing Segment acknowledged is sent again").isZero();
    }
  }

  /** A kill: when, what had been acknowledged and what had been received by then. */
  private record Kill(Instant at, Set<String> acked, Set<String> received) {}

  private record Report(int events, int lost, long duplicates, long recoverySeconds) {}

  /**
   * Waits until every acknowledged event has reached the sandbox (at most 90 s), asserts that
   * none is lost, and prints the figures. A kill's recovery is the time from the kill until the
   * last of the events acknowledged before it, and not yet received then, arrived.
   */
  private Report settle(Load load, List<Kill> kills, String what) {
    var acked = load.acked();
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    Map<String, Instant> received = received();
    while (!received.keySet().containsAll(acked) && System.nanoTime() < deadline) {
      RelayProcess.pause(250);
      received = received();
    }
    var lost = new HashSet<>(acked);
    lost.removeAll(received.keySet());
    long recovery = 0;
    for (var kill : kills) {
      for (var id : kill.acked()) {
        var at = received.get(id);
        if (!kill.received().contains(id) && at != null) {
          recovery = Math.max(recovery, Duration.between(kill.at(), at).toMillis());
        }
      }
    }
    var stats = sandbox.receiver().stats(WRITE_KEY);
    var report = new Report(acked.size(), lost.size(), stats.duplicates(),
        (recovery + 999) / 1000);
    System.out.printf("CHAOS %s: kills=%d acknowledged=%d lost=%d duplicates=%d"
            + " recovery<=%ds refused=%d 503=%d timeouts=%d%n",
        what, kills.size(), report.events(), report.lost(), report.duplicates(),
        report.recoverySeconds(), load.unreachable.get(), load.unavailable.get(),
        load.timedOut.get());
    assertThat(acked).as("events acknowledged").isNotEmpty();
    assertThat(lost).as("acknowledged events that never arrived (see the logs in " + LOGS + ")")
        .isEmpty();
    assertThat(load.unexpected).as("answers other than 202 and 503").isEmpty();
    assertThat(load.timedOut.get()).as("requests that hung").isZero();
    return report;
  }

  /** The ids of the events the sandbox holds, with when each first arrived. */
  private Map<String, Instant> received() {
    var byId = new HashMap<String, Instant>();
    for (var event : sandbox.receiver().receivedEvents(WRITE_KEY)) {
      byId.putIfAbsent(event.event().at("/properties/references/event_id").asString(),
          event.receivedAt());
    }
    return byId;
  }

  private RelayProcess relay(String name, Map<String, String> settings) throws IOException {
    var env = new HashMap<>(settings);
    env.put("RELAY_SEGMENT_EXTRA_ENDPOINTS", sandbox.baseUrl());
    var relay = new RelayProcess(name, freePort(), LOGS, env);
    relays.add(relay);
    return relay;
  }

  /** An organization, an app and a Segment integration on the sandbox; returns the ingest key. */
  private String setUp(RelayProcess relay) {
    var api = new Api(Integer.parseInt(relay.baseUrl().substring(relay.baseUrl().lastIndexOf(':') + 1)));
    var admin = api.post("/api/v1/organizations", RelayProcess.OPERATOR_TOKEN,
        Api.map("name", "Chaos")).field("/adminToken");
    var ingestKey = api.post("/api/v1/apps", admin, Api.map("name", "Web")).field("/ingestKey");
    var integration = api.post("/api/v1/integrations", admin, Api.map("type", "segment",
        "name", "Sandbox", "writeKey", WRITE_KEY, "endpoint", sandbox.baseUrl()));
    assertThat(integration.status()).as(integration.text()).isEqualTo(201);
    return ingestKey;
  }

  private static int freePort() throws IOException {
    try (var socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
