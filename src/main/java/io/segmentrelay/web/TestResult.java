package io.segmentrelay.web;

import io.segmentrelay.delivery.Delivery;
import java.io.Serializable;

/**
 * What a test event got, for the detail page: a headline, the response and, for a rejected write
 * key, the advice to show.
 */
record TestResult(
    boolean delivered, String headline, String response, long durationMs, boolean writeKeyRejected)
    implements Serializable {

  static TestResult of(Delivery.Attempt attempt) {
    var status = attempt.httpStatus();
    boolean delivered = status != null && status >= 200 && status < 300;
    var outcome = status != null ? "HTTP " + status : attempt.error();
    var headline = (delivered ? "Test event delivered: " : "Test event failed: ") + outcome;
    var response = attempt.responseBody() != null ? attempt.responseBody() : attempt.error();
    return new TestResult(delivered, headline, response, attempt.durationMs(),
        DetailPage.writeKeyRejected(status));
  }
}
