package io.segmentrelay.sandbox;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * What the sandbox recorded for one write key. Thread-safe: every access holds the lock. Each kept
 * event and body carries its size and a sequence number shared by all keys, so that the receiver
 * can drop the oldest items of the whole sandbox when its byte budget is spent.
 */
final class KeyRecording {

  /** How many request bodies are kept per key in {@link RecordMode#FULL}. */
  static final int MAX_BODIES = 10_000;

  /** How many events are kept per key in {@link RecordMode#FULL}: the newest, so memory stays bounded. */
  static final int MAX_EVENTS = 100_000;

  private final RecordMode mode;

  private final AtomicLong sequence;

  private final AtomicLong totalBytes;

  private final Set<String> messageIds = new HashSet<>();

  // The accepted messageIds in arrival order, so that the oldest can be forgotten under the budget.
  private final Deque<Kept<String>> idOrder = new ArrayDeque<>();

  private final Deque<Kept<ReceivedEvent>> events = new ArrayDeque<>();

  // Bytes rather than Strings: decoding happens only when a test asks.
  private final Deque<Kept<byte[]>> bodies = new ArrayDeque<>();

  private long requests;

  private long eventCount;

  private long duplicates;

  private long faultedRequests;

  /** One kept item: its place in the sandbox's arrival order and the bytes charged for it. */
  private record Kept<T>(T item, long seq, long bytes) {}

  KeyRecording(RecordMode mode) {
    this(mode, new AtomicLong(), new AtomicLong());
  }

  /**
   * @param sequence numbers every kept item in arrival order, across keys
   * @param totalBytes the bytes kept across keys, kept up to date by this recording
   */
  KeyRecording(RecordMode mode, AtomicLong sequence, AtomicLong totalBytes) {
    this.mode = mode;
    this.sequence = sequence;
    this.totalBytes = totalBytes;
  }

  /** Records one accepted request; returns how many of its events were duplicates. */
  synchronized int record(List<ObjectNode> accepted, byte[] body, Instant receivedAt) {
    int duplicated = 0;
    // An event is charged its share of the body it came in, a fair estimate of its size.
    long share = accepted.isEmpty() ? 0 : Math.max(1, body.length / accepted.size());
    for (ObjectNode event : accepted) {
      JsonNode id = event.get("messageId");
      if (id != null && id.isString()) {
        if (messageIds.add(id.asString())) {
          // In COUNTS mode (benchmarks) every id is kept, so that no duplicate goes uncounted.
          if (mode == RecordMode.FULL) {
            idOrder.addLast(keep(id.asString(), 64L + 2L * id.asString().length()));
          }
        } else {
          duplicated++;
        }
      }
      if (mode == RecordMode.FULL) {
        if (events.size() == MAX_EVENTS) {
          release(events.removeFirst());
        }
        events.addLast(keep(new ReceivedEvent(event, receivedAt), share));
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
      release(bodies.removeFirst());
    }
    bodies.addLast(keep(body.clone(), body.length));
  }

  private <T> Kept<T> keep(T item, long bytes) {
    totalBytes.addAndGet(bytes);
    return new Kept<>(item, sequence.incrementAndGet(), bytes);
  }

  private void release(Kept<?> kept) {
    totalBytes.addAndGet(-kept.bytes());
  }

  /** Counts a request answered by a fault rule; its body is kept too, to show what was sent. */
  synchronized void countFault(byte[] body) {
    faultedRequests++;
    if (mode == RecordMode.FULL) {
      keepBody(body);
    }
  }

  /** The sequence number of the oldest item kept here, or {@link Long#MAX_VALUE} if none. */
  synchronized long oldestSeq() {
    return Math.min(headSeq(events), Math.min(headSeq(bodies), headSeq(idOrder)));
  }

  /** Drops the oldest item kept here (event, body or remembered messageId), if any. */
  synchronized void dropOldest() {
    long oldest = oldestSeq();
    if (oldest == Long.MAX_VALUE) {
      return;
    }
    if (headSeq(events) == oldest) {
      release(events.removeFirst());
    } else if (headSeq(bodies) == oldest) {
      release(bodies.removeFirst());
    } else {
      var id = idOrder.removeFirst();
      messageIds.remove(id.item());
      release(id);
    }
  }

  private static long headSeq(Deque<? extends Kept<?>> items) {
    return items.isEmpty() ? Long.MAX_VALUE : items.peekFirst().seq();
  }

  synchronized SandboxStats stats() {
    return new SandboxStats(requests, eventCount, duplicates, faultedRequests);
  }

  synchronized List<ReceivedEvent> events() {
    return events.stream().map(Kept::item).toList();
  }

  synchronized List<String> bodies() {
    return bodies.stream().map(body -> new String(body.item(), StandardCharsets.UTF_8)).toList();
  }

  synchronized void clear() {
    events.forEach(this::release);
    bodies.forEach(this::release);
    idOrder.forEach(this::release);
    idOrder.clear();
    messageIds.clear();
    events.clear();
    bodies.clear();
    requests = 0;
    eventCount = 0;
    duplicates = 0;
    faultedRequests = 0;
  }
}
