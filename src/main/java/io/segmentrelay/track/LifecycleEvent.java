package io.segmentrelay.track;

import java.util.Arrays;
import java.util.Optional;

/** The survey lifecycle events the platform emits, with their canonical Segment event names. */
public enum LifecycleEvent {
  FLOW_VIEWED("flow_viewed", "Flow Viewed"),
  FLOW_DISMISSED("flow_dismissed", "Flow Dismissed"),
  RESPONSE_SUBMITTED("response_submitted", "Response Submitted");

  private final String key;
  private final String canonicalName;

  LifecycleEvent(String key, String canonicalName) {
    this.key = key;
    this.canonicalName = canonicalName;
  }

  /** The wire name, e.g. {@code response_submitted}. */
  public String key() {
    return key;
  }

  /** The default Segment event name, e.g. {@code Response Submitted}. */
  public String canonicalName() {
    return canonicalName;
  }

  public static Optional<LifecycleEvent> fromKey(String key) {
    return Arrays.stream(values()).filter(e -> e.key.equals(key)).findFirst();
  }
}
