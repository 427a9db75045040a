package io.segmentrelay.bench;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The relay's own {@code relay_delivery_latency_seconds} histogram (accepted → Segment's 2xx, as
 * the relay records it) from its {@code GET /actuator/prometheus} text: cumulative bucket counts
 * by upper bound in seconds, summed over label sets. Two scrapes give the histogram of one window.
 */
final class LatencyHistogram {

  static final String BUCKET = "relay_delivery_latency_seconds_bucket";

  /** Upper bound (seconds; +Inf as {@link Double#POSITIVE_INFINITY}) → cumulative count. */
  final TreeMap<Double, Double> buckets;

  private LatencyHistogram(TreeMap<Double, Double> buckets) {
    this.buckets = buckets;
  }

  static LatencyHistogram parse(String prometheusText) {
    var buckets = new TreeMap<Double, Double>();
    for (var line : prometheusText.split("\n")) {
      if (!line.startsWith(BUCKET + "{")) {
        continue;
      }
      int le = line.indexOf("le=\"");
      int close = line.lastIndexOf('}');
      if (le < 0 || close < 0) {
        continue;
      }
      var bound = line.substring(le + 4, line.indexOf('"', le + 4));
      double upper = bound.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(bound);
      var value = line.substring(close + 1).trim().split(" ")[0];
      buckets.merge(upper, Double.parseDouble(value), Double::sum);
    }
    return new LatencyHistogram(buckets);
  }

  /** This scrape minus an earlier one of the same relay. */
  LatencyHistogram minus(LatencyHistogram earlier) {
    var delta = new TreeMap<Double, Double>();
    for (Map.Entry<Double, Double> e : buckets.entrySet()) {
      delta.put(e.getKey(), e.getValue() - earlier.buckets.getOrDefault(e.getKey(), 0.0));
    }
    return new LatencyHistogram(delta);
  }

  /** Observations in the window (the +Inf bucket). */
  long count() {
    return buckets.isEmpty() ? 0 : Math.round(buckets.lastEntry().getValue());
  }

  /**
   * The upper bound in ms of the first bucket holding the {@code p}-th percentile: the percentile
   * is at most this value. NaN when empty; infinite when it lies above the largest finite bucket.
   */
  double upperBoundMillis(double p) {
    long n = count();
    if (n == 0) {
      return Double.NaN;
    }
    double rank = Math.ceil(p / 100 * n);
    for (var e : buckets.entrySet()) {
      if (e.getValue() >= rank) {
        return e.getKey() * 1000;
      }
    }
    return Double.POSITIVE_INFINITY;
  }

  static String ms(double millis) {
    if (Double.isNaN(millis)) {
      return "n/a";
    }
    if (Double.isInfinite(millis)) {
      return "> largest bucket";
    }
    return String.format(Locale.ROOT, millis < 10 ? "%.1f" : "%.0f", millis);
  }
}
