package io.segmentrelay.sandbox;

import java.util.Locale;

/** The three Segment endpoints the sandbox serves. */
enum RequestKind {

  /** {@code /v1/batch}: {@code {"batch":[...]}}. */
  BATCH,

  /** {@code /v1/track}: a single track event as the whole body. */
  TRACK,

  /** {@code /v1/import}: same shape as batch; where analytics-java posts. */
  IMPORT;

  static RequestKind of(String kind) {
    try {
      return valueOf(kind.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException | NullPointerException ex) {
      throw new IllegalArgumentException("unknown sandbox endpoint kind: " + kind, ex);
    }
  }
}
