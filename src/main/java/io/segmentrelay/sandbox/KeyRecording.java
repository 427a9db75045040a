package io.segmentrelay.sandbox;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** What the sandbox recorded for one write key. Thread-safe: every access holds the lock. */
final class KeyRecording {

  /** How many request bodies are kept per key in {@link RecordMode#FULL}. */
  static final int MAX_BODIES = 10_000;

  private final RecordMode mode;

  private final Set<String> messageIds = new HashSet<>();

  /** How many events are kept per key in {@link RecordMode#FULL}: the newest, so memory stays bounded. */
  static final int MAX_EVENTS = 100_000;

  private final Deque<ReceivedEvent> events = new ArrayDeque<>();

  // Bytes rather than Strings: decoding happens only when a test asks.
  private final Deque<byte[]> bodies = new ArrayDeque<>();

  private long requests;

  private long eventCount;

  private long duplicates;

  private long faultedRequests;

  KeyRecording(RecordMode mode) {
    this.mode = mode;
  }

  /** Records one accepted request; returns how many of its events were duplicates. */
  synchronized int record(List<ObjectNode> accepted, byte[] body, Instant receivedAt) {
    int duplicated = 0;
    for (ObjectNode event : accepted) {
      JsonNode id = event.get("messageId");
      if (id != null && id.isString() && !messageIds.add(id.asString())) {
        duplicated++;
      }
      if (mode == RecordMode.FULL) {
        if (events.size() == MAX_EVENTS) {
          events.removeFirst();
        }
        events.addLast(new ReceivedEvent(event, receivedAt));
      }
    }
    if (mode == RecordMode.FULL) {
      keepBody(body);
    }
    requests++;
    eventCount += accepted.size();
    duplicates += duplicated;
    return duplicated;
  }

  private void keepBody(byte[] body) {
    if (bodies.size() == MAX_BODIES) {
      bodies.removeFirst();
    }
    bodies.addLast(body.clone());
  }

  /** Counts a request answered by a fault rule; its body is kept too, to show what was sent. */
  synchronized void countFault(byte[] body) {
    faultedRequests++;
    if (mode == RecordMode.FULL) {
      keepBody(body);
    }
  }

  synchronized SandboxStats stats() {
    return new SandboxStats(requests, eventCount, duplicates, faultedRequests);
  }

  synchronized List<ReceivedEvent> events() {
    return List.copyOf(events);
  }

  synchronized List<String> bodies() {
    return bodies.stream().map(body -> new String(body, StandardCharsets.UTF_8)).toList();
  }

  synchronized void clear() {
    messageIds.clear();
    events.clear();
    bodies.clear();
    requests = 0;
    eventCount = 0;
    duplicates = 0;
    faultedRequests = 0;
  }
}
