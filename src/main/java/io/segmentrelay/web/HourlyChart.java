package io.segmentrelay.web;

import io.segmentrelay.delivery.DeliveryStats;
import java.util.ArrayList;
import java.util.List;

/**
 * The detail page's chart of delivered and failed per hour, laid out for an inline SVG: one pair
 * of bars per hour, scaled to the busiest hour.
 *
 * @param bars one entry per hour, oldest first
 * @param scale the count the top grid line stands for
 */
record HourlyChart(List<Bar> bars, long scale, long delivered, long failed) {

  static final int WIDTH = 720;
  static final int HEIGHT = 140;
  static final int AXIS = 18;
  static final int LEFT = 36;
  static final int TOP = 10;

  /**
   * One hour's bars, in SVG coordinates.
   *
   * @param label the hour (every fourth is printed)
   */
  record Bar(
      String label,
      String title,
      int x,
      int width,
      int deliveredY,
      int deliveredHeight,
      int failedY,
      int failedHeight,
      boolean labelled) {}

  static HourlyChart of(List<DeliveryStats.Hour> hours, Format format) {
    long max = hours.stream().mapToLong(h -> Math.max(h.delivered(), h.failed())).max().orElse(0);
    long scale = niceCeiling(max);
    int slot = hours.isEmpty() ? WIDTH : (WIDTH - LEFT) / hours.size();
    int barWidth = Math.max(2, (slot - 6) / 2);
    var bars = new ArrayList<Bar>();
    for (int i = 0; i < hours.size(); i++) {
      var hour = hours.get(i);
      var label = format.hour(hour.start());
      int deliveredHeight = height(hour.delivered(), scale);
      int failedHeight = height(hour.failed(), scale);
      var title = label + " UTC: " + hour.delivered() + " delivered, " + hour.failed() + " failed";
      bars.add(new Bar(label, title, LEFT + i * slot + 3, barWidth,
          HEIGHT - deliveredHeight, deliveredHeight, HEIGHT - failedHeight, failedHeight,
          i % 4 == 0));
    }
    long delivered = hours.stream().mapToLong(DeliveryStats.Hour::delivered).sum();
    long failed = hours.stream().mapToLong(DeliveryStats.Hour::failed).sum();
    return new HourlyChart(bars, scale, delivered, failed);
  }

  public int width() {
    return WIDTH;
  }

  public int height() {
    return HEIGHT;
  }

  public int viewHeight() {
    return HEIGHT + AXIS;
  }

  public int labelY() {
    return HEIGHT + AXIS - 4;
  }

  public long half() {
    return scale / 2;
  }

  /** The y of the top grid line (the scale) and of the middle one. */
  public int top() {
    return TOP;
  }

  public int middle() {
    return HEIGHT - (HEIGHT - TOP) / 2;
  }

  public int left() {
    return LEFT;
  }

  private static int height(long count, long scale) {
    if (count == 0) {
      return 0;
    }
    return (int) Math.max(2, Math.round((double) count * (HEIGHT - TOP) / scale));
  }

  /** The smallest of 2, 4, 10, 20, 40, 100, … at or above {@code max}: even, so halves are whole. */
  static long niceCeiling(long max) {
    long step = 1;
    while (true) {
      for (long factor : new long[] {2, 4, 10}) {
        if (step * factor >= Math.max(max, 4)) {
          return step * factor;
        }
      }
      step *= 10;
    }
  }
}
