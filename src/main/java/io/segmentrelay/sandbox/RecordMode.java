package io.segmentrelay.sandbox;

/** How much of what the sandbox accepts it keeps in memory. */
public enum RecordMode {

  /**
   * Keep every accepted event (with its receipt time) and the last request bodies per write key.
   */
  FULL,

  /**
   * Keep only counters and the set of accepted messageIds (needed to count duplicates), so that a
   * benchmark can push millions of events through without the sandbox growing much.
   */
  COUNTS
}
