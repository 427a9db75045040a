package io.segmentrelay.sandbox;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;

/** The ordered fault rules in force, each with how many uses it has left. Thread-safe. */
final class FaultBook {

  private final List<ActiveFault> active = new ArrayList<>();

  // Lets the common no-fault case (benchmarks) skip the lock entirely.
  private volatile boolean empty = true;

  synchronized void add(FaultRule rule) {
    active.add(new ActiveFault(rule, rule.times()));
    empty = false;
  }

  synchronized void clear() {
    active.clear();
    empty = true;
  }

  synchronized void removeIf(Predicate<FaultRule> which) {
    active.removeIf(fault -> which.test(fault.rule()));
    empty = active.isEmpty();
  }

  synchronized List<FaultRule> rules() {
    return active.stream().map(ActiveFault::rule).toList();
  }

  /**
   * Takes one use of the first rule matching the request, or returns null when none matches. A rule
   * whose uses run out is removed.
   */
  FaultRule take(String writeKey, ParsedRequest request) {
    if (empty) {
      return null;
    }
    synchronized (this) {
      Iterator<ActiveFault> rules = active.iterator();
      while (rules.hasNext()) {
        ActiveFault fault = rules.next();
        if (fault.matches(writeKey, request)) {
          if (fault.useOnce()) {
            rules.remove();
            empty = active.isEmpty();
          }
          return fault.rule();
        }
      }
      return null;
    }
  }

  /** A rule and its remaining uses; {@code remaining} 0 means unlimited. Guarded by the book. */
  private static final class ActiveFault {

    private final FaultRule rule;

    private int remaining;

    ActiveFault(FaultRule rule, int remaining) {
      this.rule = rule;
      this.remaining = remaining;
    }

    FaultRule rule() {
      return rule;
    }

    boolean matches(String writeKey, ParsedRequest request) {
      return (rule.writeKey() == null || Objects.equals(rule.writeKey(), writeKey))
          && (rule.messageId() == null || request.hasMessageId(rule.messageId()));
    }

    /** Uses the rule once; true when that was its last use. */
    boolean useOnce() {
      if (remaining == 0) {
        return false;
      }
      remaining--;
      return remaining == 0;
    }
  }
}
