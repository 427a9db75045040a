package io.segmentrelay.sandbox;

import java.time.Clock;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A local stand-in for Segment's HTTP Tracking API ({@code /v1/batch}, {@code /v1/import}, {@code
 * /b} and the single-call paths such as {@code /v1/track}): validates requests like Segment,
 * records what it accepts per write key and injects faults on request. Slightly over 300 lines:
 * accepting, recording and faults share one lock and are kept together. Plain Java and thread-safe; {@link SandboxServer} and the relay's {@code
 * /sandbox} endpoints put HTTP around it.
 *
 * <p>Unlike Segment, which answers 200 to any write key, the sandbox knows its write keys and
 * answers 401 to others. A request is all-or-nothing: one invalid event rejects the whole request
 * and nothing of it is recorded.
 */
public final class SandboxReceiver {

  private static final JsonMapper MAPPER = JsonMapper.builder().build();

  /** What all recordings together may hold by default: events, bodies and remembered ids. */
  public static final long DEFAULT_MAX_RECORDED_BYTES = 64L * 1024 * 1024;

  private final Map<String, KeyRecording> recordings = new ConcurrentHashMap<>();

  private final FaultBook faults = new FaultBook();

  private final LongAdder totalEvents = new LongAdder();

  private final AtomicLong sequence = new AtomicLong();

  private final AtomicLong recordedBytes = new AtomicLong();

  private final long maxRecordedBytes;

  private final RequestParser parser = new RequestParser(MAPPER);

  private final EventRules rules = new EventRules(MAPPER);

  private final RecordMode mode;

  private final Clock clock;

  /**
   * @param writeKeys the write keys accepted from the start (more can be registered later)
   * @param mode how much to keep of what is accepted
   * @param clock where receipt times come from
   */
  public SandboxReceiver(Collection<String> writeKeys, RecordMode mode, Clock clock) {
    this(writeKeys, mode, clock, DEFAULT_MAX_RECORDED_BYTES);
  }

  /**
   * @param maxRecordedBytes what all recordings together may hold; beyond it the oldest recorded
   *     items of any key are dropped first (counters are kept)
   */
  public SandboxReceiver(
      Collection<String> writeKeys, RecordMode mode, Clock clock, long maxRecordedBytes) {
    if (maxRecordedBytes < 0) {
      throw new IllegalArgumentException("maxRecordedBytes must not be negative");
    }
    this.mode = Objects.requireNonNull(mode, "mode");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.maxRecordedBytes = maxRecordedBytes;
    writeKeys.forEach(this::registerWriteKey);
  }

  /** A receiver recording everything, on the system clock, that knows {@code writeKeys}. */
  public static SandboxReceiver withWriteKeys(String... writeKeys) {
    return new SandboxReceiver(List.of(writeKeys), RecordMode.FULL, Clock.systemUTC());
  }

  /** {@link #handle(String, String, String, byte[])} of a body that is not compressed. */
  public SandboxResponse handle(String kind, String authorization, byte[] body) {
    return handle(kind, authorization, null, body);
  }

  /**
   * Handles one request to a Segment endpoint.
   *
   * @param kind {@code "batch"}, {@code "b"}, {@code "import"} or a call type such as {@code
   *     "track"}
   * @param authorization the Authorization header, or null
   * @param contentEncoding the Content-Encoding header, or null
   * @param raw the request body as received
   * @return what to answer; the caller applies its latency and drop flag
   */
  public SandboxResponse handle(
      String kind, String authorization, String contentEncoding, byte[] raw) {
    RequestKind requestKind = RequestKind.of(kind);
    RequestBody decoded = RequestBody.decode(raw, contentEncoding);
    byte[] body = (decoded.bytes() == null) ? raw : decoded.bytes();
    ParsedRequest request =
        (decoded.error() == null)
            ? parser.parse(requestKind, body)
            : ParsedRequest.malformed(decoded.error());
    String writeKey = WriteKeys.resolve(authorization, request.bodyWriteKey());
    FaultRule fault = faults.take(writeKey, request);
    if (fault != null && fault.rejects()) {
      return faulted(writeKey, fault, body);
    }
    SandboxResponse answer = answer(requestKind, writeKey, request, body);
    return (fault == null) ? answer : answer.withLatency(fault.latency());
  }

  private SandboxResponse answer(
      RequestKind kind, String writeKey, ParsedRequest request, byte[] body) {
    if (request.error() != null) {
      return error(400, "invalid_request", request.error());
    }
    KeyRecording recording = (writeKey == null) ? null : recordings.get(writeKey);
    if (recording == null) {
      return error(
          401, "unauthorized", (writeKey == null) ? "missing write key" : "unknown write key");
    }
    String violation = rules.firstViolation(kind, request.events());
    if (violation != null) {
      return error(400, "invalid_request", violation);
    }
    recording.record(request.events(), body, clock.instant());
    totalEvents.add(request.events().size());
    enforceBudget();
    return SandboxResponse.json(200, "{\"success\":true}");
  }

  private SandboxResponse faulted(String writeKey, FaultRule fault, byte[] body) {
    KeyRecording recording = (writeKey == null) ? null : recordings.get(writeKey);
    if (recording != null) {
      recording.countFault(body);
      enforceBudget();
    }
    if (fault.drop()) {
      return SandboxResponse.dropped().withLatency(fault.latency());
    }
    SandboxResponse answer =
        error(fault.status(), "injected_fault", "fault injected by the sandbox")
            .withLatency(fault.latency());
    return (fault.retryAfter() == null)
        ? answer
        : answer.withHeader("Retry-After", fault.retryAfter());
  }

  private static SandboxResponse error(int status, String code, String message) {
    ObjectNode body =
        MAPPER.createObjectNode().put("success", false).put("code", code).put("message", message);
    return SandboxResponse.json(status, MAPPER.writeValueAsString(body));
  }

  /**
   * Drops the oldest recorded items of the whole sandbox until it holds no more than its budget.
   * One thread at a time: each step locks one recording only, after finding the oldest.
   */
  private void enforceBudget() {
    if (recordedBytes.get() <= maxRecordedBytes) {
      return;
    }
    synchronized (recordedBytes) {
      while (recordedBytes.get() > maxRecordedBytes) {
        KeyRecording oldest = null;
        long oldestSeq = Long.MAX_VALUE;
        for (KeyRecording recording : recordings.values()) {
          long seq = recording.oldestSeq();
          if (seq < oldestSeq) {
            oldest = recording;
            oldestSeq = seq;
          }
        }
        if (oldest == null) {
          return;
        }
        oldest.dropOldest();
      }
    }
  }

  /** The bytes all recordings hold together (an estimate for events; exact for bodies). */
  public long recordedBytes() {
    return recordedBytes.get();
  }

  /** Adds a fault rule after the ones already in force. */
  public void addFault(FaultRule rule) {
    faults.add(Objects.requireNonNull(rule, "rule"));
  }

  /** Removes every fault rule. */
  public void clearFaults() {
    faults.clear();
  }

  /** Removes the fault rules that apply only to one of {@code writeKeys}. */
  public void clearFaults(Set<String> writeKeys) {
    faults.removeIf(rule -> rule.writeKey() != null && writeKeys.contains(rule.writeKey()));
  }

  /** The fault rules in force, in the order they are tried (with their original {@code times}). */
  public List<FaultRule> faults() {
    return faults.rules();
  }

  /** Makes {@code writeKey} known, so that requests for it are accepted. Idempotent. */
  public void registerWriteKey(String writeKey) {
    if (writeKey == null || writeKey.isBlank()) {
      throw new IllegalArgumentException("writeKey must not be blank");
    }
    recordings.computeIfAbsent(
        writeKey, key -> new KeyRecording(mode, sequence, recordedBytes));
  }

  /**
   * Forgets {@code writeKey}: its recordings and the fault rules for it go, and requests for it are
   * answered 401 from now on. Returns whether it was known.
   */
  public boolean removeWriteKey(String writeKey) {
    KeyRecording recording = (writeKey == null) ? null : recordings.remove(writeKey);
    if (recording == null) {
      return false;
    }
    recording.clear();
    clearFaults(Set.of(writeKey));
    return true;
  }

  /** The known write keys, sorted. */
  public Set<String> writeKeys() {
    return new TreeSet<>(recordings.keySet());
  }

  /**
   * The accepted events for {@code writeKey} in arrival order (empty in {@link RecordMode#COUNTS}).
   */
  public List<JsonNode> events(String writeKey) {
    return receivedEvents(writeKey).stream().map(ReceivedEvent::event).toList();
  }

  /** The accepted events for {@code writeKey} with their receipt times, in arrival order. */
  public List<ReceivedEvent> receivedEvents(String writeKey) {
    KeyRecording recording = recordings.get(writeKey);
    return (recording == null) ? List.of() : recording.events();
  }

  /**
   * The raw bodies of the last requests for {@code writeKey} (at most 10,000), oldest first: the
   * accepted ones and those answered by a fault rule.
   */
  public List<String> requestBodies(String writeKey) {
    KeyRecording recording = recordings.get(writeKey);
    return (recording == null) ? List.of() : recording.bodies();
  }

  /** The counters of {@code writeKey}; all zero for a key that is not known. */
  public SandboxStats stats(String writeKey) {
    KeyRecording recording = recordings.get(writeKey);
    return (recording == null) ? SandboxStats.EMPTY : recording.stats();
  }

  /** The counters of every known write key, sorted by key. */
  public Map<String, SandboxStats> allStats() {
    Map<String, SandboxStats> all = new TreeMap<>();
    recordings.forEach((key, recording) -> all.put(key, recording.stats()));
    return all;
  }

  /** How many events were accepted across all write keys since the last {@link #reset()}. */
  public long totalEvents() {
    return totalEvents.sum();
  }

  /** Forgets every recorded event, body and counter; keeps the known write keys and the faults. */
  public void reset() {
    recordings.values().forEach(KeyRecording::clear);
    totalEvents.reset();
  }

  /** Forgets what was recorded for {@code writeKey}; keeps the key and its faults. */
  public void reset(String writeKey) {
    KeyRecording recording = recordings.get(writeKey);
    if (recording != null) {
      recording.clear();
    }
  }

  /** How much this receiver keeps of what it accepts. */
  public RecordMode recordMode() {
    return mode;
  }

  static JsonMapper mapper() {
    return MAPPER;
  }
}
