package io.segmentrelay.integration;

import java.time.Instant;

/**
 * What an integration's pause, resume and deletion do to its deliveries. The delivery package
 * implements it, so that only delivery depends on integration.
 */
public interface HeldDeliveries {

  long countHeld(String integrationId);

  /** On pause: everything waiting (new or for a retry) is held until resume. */
  void holdWaiting(String integrationId, Instant now);

  /** On resume: held deliveries are due now, oldest first. */
  void releaseHeld(String integrationId, Instant now);

  /** On resume with discard: held deliveries are discarded. */
  void discardHeld(String integrationId, Instant now);

  /** With the integration: its deliveries and their attempts. */
  void deleteAll(String integrationId);
}
