package io.segmentrelay.system;

/**
 * One invalid field of a request.
 *
 * @param field where it is, e.g. {@code batch[3].timestamp} or {@code writeKey}
 * @param message what is wrong with it, in words an integrator can act on
 */
public record FieldError(String field, String message) {}
