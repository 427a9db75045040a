package io.segmentrelay.sandbox;

/**
 * Counters the sandbox keeps for one write key.
 *
 * @param requests requests accepted with 200
 * @param events events in those requests, duplicates included
 * @param duplicates accepted events whose messageId had already been accepted for the same key
 * @param faultedRequests requests answered by an injected fault instead of being accepted
 */
public record SandboxStats(long requests, long events, long duplicates, long faultedRequests) {

  /** Counters of a write key that has seen nothing yet. */
  public static final SandboxStats EMPTY = new SandboxStats(0, 0, 0, 0);
}
