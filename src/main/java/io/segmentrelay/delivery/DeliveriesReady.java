package io.segmentrelay.delivery;

/**
 * Published after a transaction made deliveries due (ingest, resume, retry, replay), so the
 * dispatcher wakes at once instead of at its next poll.
 */
public record DeliveriesReady() {}
