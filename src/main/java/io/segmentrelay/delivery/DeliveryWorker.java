package io.segmentrelay.delivery;

import io.segmentrelay.delivery.Delivery.Status;
import io.segmentrelay.delivery.DeliveryQueue.Claimed;
import io.segmentrelay.delivery.DeliveryQueue.Member;
import io.segmentrelay.delivery.DeliveryQueue.Outcome;
import io.segmentrelay.integration.Integration;
import io.segmentrelay.integration.IntegrationStore;
import io.segmentrelay.segment.SegmentClient;
import io.segmentrelay.segment.SegmentResponse;
import io.segmentrelay.system.RelayProperties;
import io.segmentrelay.track.TrackCall;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Sends one claim of deliveries to its integration: preflight, batches within Segment's limits,
 * bisection of a batch Segment rejected as a whole, and the outcome of each delivery. Longer than
 * most files because batching, bisection and outcomes decide together what one request means.
 */
@Component
class DeliveryWorker {

  private static final Logger log = LoggerFactory.getLogger(DeliveryWorker.class);

  private final IntegrationStore integrations;
  private final SegmentClient client;
  private final DeliveryQueue queue;
  private final JsonMapper json;
  private final Clock clock;
  private final RetryPolicy policy;
  private final DeliveryMetrics metrics;
  private final int maxEvents;
  private final int maxBytes;

  DeliveryWorker(
      IntegrationStore integrations,
      SegmentClient client,
      DeliveryQueue queue,
      JsonMapper json,
      Clock clock,
      RelayProperties properties,
      DeliveryMetrics metrics) {
    this.integrations = integrations;
    this.client = client;
    this.queue = queue;
    this.json = json;
    this.clock = clock;
    this.policy = new RetryPolicy(properties.delivery().retryDelays());
    this.metrics = metrics;
    this.maxEvents = properties.delivery().maxBatchEvents();
    this.maxBytes = properties.delivery().maxBatchBytes();
  }

  /**
   * One delivery of a claimed group: its frozen payload in UTF-8, and its size as sent this time
   * (with this attempt's {@code sentAt}).
   */
  private record Item(Claimed group, Member delivery, byte[] payload, int bytes) {}

  /** The requests a delivery took part in during this attempt, in order, by delivery id. */
  private final class Log {
    final Map<String, List<Delivery.Attempt>> attempts = new HashMap<>();
    final Map<String, SegmentResponse> last = new HashMap<>();
  }

  /**
   * Sends groups of deliveries leased to this node (each under its own lease owner; one call may
   * combine several claims or hand-overs) and records their outcomes.
   */
  void process(String integrationId, List<Claimed> claimed) {
    var sending = integrations.findForSending(integrationId).orElse(null);
    if (sending == null) {
      return; // deleted while in flight: its deliveries were deleted with it
    }
    var integration = sending.integration();
    if (integration.paused()) {
      var held = new Done(clock.instant());
      queue.record(claimed.stream()
          .flatMap(g -> g.members().stream().map(m -> held.held(g, m))).toList());
      return;
    }
    var writeKey = sending.writeKey();
    var sentAt = TrackCall.iso(clock.instant());
    int sentAtBytes = sentAtSuffix(sentAt).length - 1; // in place of the payload's closing brace
    var progress = new Progress();
    var sendable = new ArrayList<Item>();
    for (var group : claimed) {
      progress.open(group);
      for (var m : group.members()) {
        var payload = m.payload().getBytes(StandardCharsets.UTF_8);
        int bytes = payload.length + sentAtBytes;
        var item = new Item(group, m, payload, bytes);
        Preflight.problem(bytes, m.payload(), json).ifPresentOrElse(
            problem -> progress.refused(item, problem),
            () -> {
              sendable.add(item);
              progress.toSend(group);
            });
      }
    }
    var log = new Log();
    write(integrationId, progress.finished(List.of(), log));
    for (var batch : batches(sendable)) {
      send(integration, writeKey, sentAt, batch, log);
      write(integrationId, progress.finished(batch, log));
    }
  }

  /**
   * Outcomes are written as soon as every delivery of a group has its own, batch by batch: should
   * this process die, only the requests that were out are sent again.
   */
  private void write(String integrationId, List<Outcome> outcomes) {
    if (!outcomes.isEmpty()) {
      queue.record(holdRetriesIfPausedMeanwhile(integrationId, outcomes));
      metrics.recorded(outcomes);
    }
  }

  /** Which deliveries of each claimed group are still to be sent, and those refused before. */
  private final class Progress {
    final Map<Claimed, Integer> unsent = new LinkedHashMap<>();
    final Map<Claimed, Map<Item, String>> refused = new HashMap<>();
    final Map<Claimed, List<Item>> sent = new HashMap<>();

    void open(Claimed group) {
      unsent.put(group, 0);
    }

    void toSend(Claimed group) {
      unsent.merge(group, 1, Integer::sum);
    }

    void refused(Item item, String problem) {
      refused.computeIfAbsent(item.group(), g -> new LinkedHashMap<>()).put(item, problem);
    }

    /** The outcomes of the groups that {@code batch} (sent) completed, or that had none to send. */
    List<Outcome> finished(List<Item> batch, Log log) {
      for (var item : batch) {
        sent.computeIfAbsent(item.group(), g -> new ArrayList<>()).add(item);
        unsent.merge(item.group(), -1, Integer::sum);
      }
      var outcomes = new ArrayList<Outcome>();
      var done = new Done(clock.instant());
      for (var it = unsent.entrySet().iterator(); it.hasNext(); ) {
        var entry = it.next();
        if (entry.getValue() > 0) {
          continue;
        }
        it.remove();
        var group = entry.getKey();
        refused.getOrDefault(group, Map.of()).forEach((item, problem) ->
            outcomes.add(done.failed(group, item.delivery(), problem, List.of(), false)));
        sent.getOrDefault(group, List.of()).forEach(item ->
            outcomes.add(decide(group, item.delivery(), done, log)));
      }
      return outcomes;
    }
  }

  /**
   * Sends one test track call to the integration now and returns the attempt. It is not stored:
   * it only shows whether the write key and endpoint work.
   */
  Delivery.Attempt sendTest(Integration integration) {
    var call = json.createObjectNode();
    call.put("type", "track");
    call.put("event", "Segment Relay Test");
    call.put("anonymousId", "segment-relay-test");
    call.put("messageId", "rly-test-" + java.util.UUID.randomUUID());
    var now = clock.instant();
    call.put("timestamp", TrackCall.iso(now));
    call.putObject("properties").put("organization_id", integration.organizationId());
    call.putObject("context").putObject("library").put("name", "segment-relay");
    var sentAt = TrackCall.iso(now);
    var response =
        client.postBatch(
            integration.endpoint(),
            integrations.findForSending(integration.id()).orElseThrow().writeKey(),
            body(List.of(json.writeValueAsBytes(call)), sentAt));
    metrics.attempt(response);
    return new Delivery.Attempt(1, now, response.durationMs(),
        response.status() == 0 ? null : response.status(), response.error(), response.body(), null);
  }

  /** A pause while the requests were out holds the retries too, as it holds everything waiting. */
  private List<Outcome> holdRetriesIfPausedMeanwhile(String integrationId, List<Outcome> outcomes) {
    boolean retries = outcomes.stream().anyMatch(o -> o.status() == Status.PENDING);
    if (!retries || !integrations.findById(integrationId).map(Integration::paused).orElse(false)) {
      return outcomes;
    }
    return outcomes.stream()
        .map(o -> o.status() != Status.PENDING ? o : new Outcome(o.group(), o.member(),
            Status.HELD, null, null, null, o.attempted(), o.attempts(), o.at()))
        .toList();
  }

  /**
   * Splits into requests of at most {@code maxEvents} events and {@code maxBytes} bytes. A group
   * (its items are next to each other) that fits in a request of its own is not spread over two:
   * its deliveries would have different attempts, and each share would need a group of its own.
   */
  private List<List<Item>> batches(List<Item> items) {
    var batches = new ArrayList<List<Item>>();
    var current = new ArrayList<Item>();
    int bytes = 0;
    for (int start = 0, end; start < items.size(); start = end) {
      var group = items.get(start).group();
      int groupBytes = 0;
      for (end = start; end < items.size() && items.get(end).group() == group; end++) {
        groupBytes += items.get(end).bytes() + 1;
      }
      int groupSize = end - start;
      boolean whole = fits(groupSize, groupBytes);
      for (int i = start; i < end; i++) {
        var item = items.get(i);
        int size = item.bytes() + 1;
        // A group kept whole is cut before its first item or not at all; any other item alone.
        boolean full = whole
            ? i == start && !fits(current.size() + groupSize, bytes + groupBytes)
            : !fits(current.size() + 1, bytes + size);
        if (!current.isEmpty() && full) {
          batches.add(current);
          current = new ArrayList<>();
          bytes = 0;
        }
        current.add(item);
        bytes += size;
      }
    }
    if (!current.isEmpty()) {
      batches.add(current);
    }
    return batches;
  }

  /** Whether a request of {@code events} events of {@code bytes} bytes (commas included) fits. */
  private boolean fits(int events, int bytes) {
    return events <= maxEvents && bytes + 64 <= maxBytes;
  }

  /**
   * Sends one batch. When Segment rejects a batch of several events as malformed, the fault may be
   * one event's, so each half is sent again on its own.
   */
  private void send(Integration integration, String writeKey, String sentAt, List<Item> batch, Log log) {
    var at = clock.instant();
    var response = client.postBatch(integration.endpoint(), writeKey,
        body(batch.stream().map(Item::payload).toList(), sentAt));
    metrics.attempt(response);
    boolean split = response.rejectedContent() && batch.size() > 1;
    for (var item : batch) {
      var id = item.delivery().id();
      var next = split ? at : null;
      log.attempts
          .computeIfAbsent(id, k -> new ArrayList<>())
          .add(attempt(item.group(), at, response, next, split ? batch.size() : 0));
      log.last.put(id, response);
    }
    if (split) {
      int half = batch.size() / 2;
      send(integration, writeKey, sentAt, batch.subList(0, half), log);
      send(integration, writeKey, sentAt, batch.subList(half, batch.size()), log);
    } else if (response.kind() != SegmentResponse.Kind.DELIVERED) {
      DeliveryWorker.log.info(
          "Segment answered {} for {} events of integration {}",
          response.describe(), batch.size(), integration.id());
    }
  }

  private Outcome decide(Claimed g, Member m, Done done, Log log) {
    var response = log.last.get(m.id());
    var attempts = log.attempts.get(m.id());
    var attemptedAt = attempts.getLast().at();
    int number = g.attemptCount() + 1;
    return switch (response.kind()) {
      case DELIVERED -> done.outcome(g, m, Status.DELIVERED, null, done.at(), attempts);
      case PERMANENT -> done.failed(g, m, permanentReason(response), attempts, true);
      case RETRYABLE -> {
        var next = policy.nextAttempt(number, attemptedAt, response.retryAfter());
        var finalAttempts = withNext(attempts, next.orElse(null));
        yield next.isPresent()
            ? done.outcome(g, m, Status.PENDING, next.get(), null, finalAttempts)
            : done.failed(g, m, "Gave up after " + number + " attempts; the last: "
                + response.describe(), finalAttempts, true);
      }
    };
  }

  /** When outcomes are written: the time they take. */
  private record Done(Instant at) {

    Outcome held(Claimed g, Member m) {
      return new Outcome(g, m, Status.HELD, null, null, null, false, List.of(), at);
    }

    Outcome failed(
        Claimed g, Member m, String reason, List<Delivery.Attempt> attempts, boolean attempted) {
      return new Outcome(g, m, Status.FAILED, null, reason, null, attempted, attempts, at);
    }

    Outcome outcome(Claimed g, Member m, Status status, Instant next, Instant deliveredAt,
        List<Delivery.Attempt> attempts) {
      return new Outcome(g, m, status, next, null, deliveredAt, true, attempts, at);
    }
  }

  private static String permanentReason(SegmentResponse response) {
    var reason = "Segment answered " + response.status() + ", a permanent error; not retried";
    if (response.status() == 401 || response.status() == 403) {
      reason += ". Check that the Write Key matches the source, and the region.";
    }
    return response.body() == null ? reason : reason + ". Response: " + response.body();
  }

  private static Delivery.Attempt attempt(
      Claimed c, Instant at, SegmentResponse response, Instant next, int splitFrom) {
    var error = response.error();
    if (splitFrom > 0) {
      error = "Batch of " + splitFrom + " rejected; resent in smaller batches";
    }
    return new Delivery.Attempt(
        c.attemptCount() + 1, at, response.durationMs(),
        response.status() == 0 ? null : response.status(), error, response.body(), next);
  }

  private static List<Delivery.Attempt> withNext(List<Delivery.Attempt> attempts, Instant next) {
    var copy = new ArrayList<>(attempts);
    var last = copy.removeLast();
    copy.add(new Delivery.Attempt(last.number(), last.at(), last.durationMs(), last.httpStatus(),
        last.error(), last.responseBody(), next));
    return copy;
  }

  /**
   * What takes the place of a frozen payload's closing brace: this attempt's {@code sentAt}, the
   * only part of a track call that changes.
   */
  private static byte[] sentAtSuffix(String sentAt) {
    return (",\"sentAt\":\"" + sentAt + "\"}").getBytes(StandardCharsets.UTF_8);
  }

  /**
   * The request body, {@code {"batch":[…],"sentAt":…}}, written once into an array of its exact
   * size: each payload is copied once, with its sentAt.
   */
  static byte[] body(List<byte[]> payloads, String sentAt) {
    var head = "{\"batch\":[".getBytes(StandardCharsets.UTF_8);
    var tail = ("],\"sentAt\":\"" + sentAt + "\"}").getBytes(StandardCharsets.UTF_8);
    var suffix = sentAtSuffix(sentAt);
    int size = head.length + tail.length + Math.max(0, payloads.size() - 1);
    for (var payload : payloads) {
      size += payload.length - 1 + suffix.length;
    }
    var body = new byte[size];
    int at = put(head, head.length, body, 0);
    for (int i = 0; i < payloads.size(); i++) {
      if (i > 0) {
        body[at++] = ',';
      }
      var payload = payloads.get(i);
      at = put(payload, payload.length - 1, body, at);
      at = put(suffix, suffix.length, body, at);
    }
    put(tail, tail.length, body, at);
    return body;
  }

  private static int put(byte[] from, int length, byte[] to, int at) {
    System.arraycopy(from, 0, to, at, length);
    return at + length;
  }
}
