package io.segmentrelay.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads the configuration of the image that {@code ./mvnw -Pimage package} wrote to {@code
 * target/jib-image.tar}: what a container runtime will run, as whom, with which JVM flags.
 */
class ImageConfigIT {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private static JsonNode config;

  private static Map<String, byte[]> entries;

  @BeforeAll
  static void readTarball() throws IOException {
    var tarball = Path.of(System.getProperty("image.tarball", "target/jib-image.tar"));
    assertThat(tarball).as("run ./mvnw -Pimage package first").exists();
    entries = read(tarball);
    var index = JSON.readTree(entries.get("index.json"));
    var manifest = JSON.readTree(blob(index.path("manifests").get(0).path("digest").asString()));
    config = JSON.readTree(blob(manifest.path("config").path("digest").asString())).path("config");
  }

  @Test
  void runs_as_a_user_that_is_not_root() {
    var user = config.path("User").asString();
    assertThat(user).isNotBlank();
    assertThat(user.split(":")[0]).isNotIn("0", "root");
  }

  @Test
  void starts_the_relay_with_container_sized_jvm_flags() {
    var entrypoint = new ArrayList<String>();
    config.path("Entrypoint").forEach(part -> entrypoint.add(part.asString()));
    assertThat(entrypoint.getFirst()).isEqualTo("java");
    assertThat(entrypoint)
        .contains("-XX:+UseParallelGC", "-XX:MaxRAMPercentage=75")
        .endsWith("io.segmentrelay.RelayApplication");
    // The flags come before the main class, where the JVM reads them.
    assertThat(entrypoint.indexOf("-XX:MaxRAMPercentage=75"))
        .isLessThan(entrypoint.indexOf("io.segmentrelay.RelayApplication"));
  }

  @Test
  void exposes_port_8080_and_keeps_its_data_in_a_volume() {
    assertThat(names(config.path("ExposedPorts"))).containsExactly("8080/tcp");
    assertThat(names(config.path("Volumes"))).containsExactly("/data");
    var env = new ArrayList<String>();
    config.path("Env").forEach(e -> env.add(e.asString()));
    assertThat(env).contains("RELAY_DATA_DIR=/data");
  }

  private static List<String> names(JsonNode object) {
    var names = new ArrayList<String>();
    object.propertyNames().forEach(names::add);
    return names;
  }

  private static byte[] blob(String digest) {
    var bytes = entries.get("blobs/" + digest.replace(':', '/'));
    assertThat(bytes).as("blob %s in the tarball", digest).isNotNull();
    return bytes;
  }

  /**
   * The tarball's small regular files (index, manifests, config) by name; layers are skipped. A
   * plain ustar reader: 512-byte headers, each followed by its content padded to 512 bytes.
   */
  private static Map<String, byte[]> read(Path tarball) throws IOException {
    var read = new HashMap<String, byte[]>();
    try (InputStream in = Files.newInputStream(tarball)) {
      while (true) {
        var header = in.readNBytes(512);
        if (header.length < 512 || header[0] == 0) {
          return read;
        }
        var name = field(header, 0, 100);
        var prefix = field(header, 345, 155);
        var size = Long.parseLong(field(header, 124, 12).trim(), 8);
        var type = header[156];
        var padded = (size + 511) / 512 * 512;
        if ((type == '0' || type == 0) && size < 1024 * 1024) {
          var fullName = (prefix.isEmpty() ? name : prefix + "/" + name).replaceFirst("^\\./", "");
          read.put(fullName, in.readNBytes((int) size));
          in.skipNBytes(padded - size);
        } else {
          in.skipNBytes(padded);
        }
      }
    }
  }

  private static String field(byte[] header, int offset, int length) {
    int end = offset;
    while (end < offset + length && header[end] != 0) {
      end++;
    }
    return new String(header, offset, end - offset, StandardCharsets.US_ASCII);
  }
}
