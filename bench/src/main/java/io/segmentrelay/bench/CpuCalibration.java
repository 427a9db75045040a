package io.segmentrelay.bench;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HashMap;

/**
 * Times a fixed single-thread workload of the kinds the relay does most (hashing, maps of strings,
 * string building), so that runs on different machines of one kind can be told apart: the same
 * build measured on a machine whose calibration is twice as long is about half as fast.
 */
final class CpuCalibration {

  private CpuCalibration() {}

  /** The median of seven timed rounds after two warm-up rounds, in ms. */
  static long measure() {
    for (int i = 0; i < 2; i++) {
      round();
    }
    var times = new long[7];
    for (int i = 0; i < times.length; i++) {
      long start = System.nanoTime();
      round();
      times[i] = System.nanoTime() - start;
    }
    Arrays.sort(times);
    return times[times.length / 2] / 1_000_000;
  }

  private static int round() {
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    var map = new HashMap<String, Integer>();
    var text = new StringBuilder();
    int sum = 0;
    for (int i = 0; i < 200_000; i++) {
      text.setLength(0);
      text.append("evt_").append(i).append("_survey_").append(i * 31 % 977);
      var key = text.toString();
      map.put(key, i);
      sum += map.getOrDefault("evt_" + (i / 2) + "_survey_" + (i / 2 * 31 % 977), 0);
      sha.update(key.getBytes(StandardCharsets.UTF_8));
    }
    return sum + sha.digest()[0] + map.size();
  }
}
