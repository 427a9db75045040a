package io.segmentrelay.system;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Locale;
import java.util.Set;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.context.EnvironmentAware;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * Keeps the data dir owner-only: the directory 0700 and the files in it 0600, each created with
 * those permissions (never loosened for a moment). The embedded database's file is created empty
 * before H2 opens it, since H2 would create it by the process's umask. Runs before any bean is made.
 */
@Component
public final class DataDir implements BeanFactoryPostProcessor, EnvironmentAware {

  private static final Set<PosixFilePermission> DIR = PosixFilePermissions.fromString("rwx------");
  private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

  private Environment environment;

  @Override
  public void setEnvironment(Environment environment) {
    this.environment = environment;
  }

  @Override
  public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) {
    var url = environment.getProperty("spring.datasource.url");
    if (url != null && url.toLowerCase(Locale.ROOT).startsWith("jdbc:h2:file:")
        && Dialect.embeddedH2(url)) {
      var dataDir = environment.getProperty("relay.data-dir");
      if (dataDir != null && !dataDir.isBlank()) {
        createOwnerOnly(Paths.get(dataDir));
      }
      var base = Paths.get(url.substring("jdbc:h2:file:".length()).split(";", 2)[0]);
      var file = base.resolveSibling(base.getFileName() + ".mv.db");
      createOwnerOnly(file.toAbsolutePath().getParent());
      createEmptyOwnerOnly(file);
    }
  }

  /** Creates {@code dir} (and missing parents) as 0700; tightens it if it exists. */
  public static void createOwnerOnly(Path dir) {
    try {
      if (!posix()) {
        Files.createDirectories(dir);
        return;
      }
      if (Files.isDirectory(dir)) {
        Files.setPosixFilePermissions(dir, DIR);
        return;
      }
      Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(DIR));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create the data dir " + dir, e);
    }
  }

  /** Writes a new file that is 0600 from the moment it exists. */
  public static void writeNewOwnerOnly(Path file, byte[] content) {
    try (var channel = Files.newByteChannel(file,
        Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), fileAttributes())) {
      channel.write(ByteBuffer.wrap(content));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + file, e);
    }
  }

  private static void createEmptyOwnerOnly(Path file) {
    try {
      Files.createFile(file, fileAttributes());
    } catch (FileAlreadyExistsException e) {
      tighten(file);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create " + file, e);
    }
  }

  private static void tighten(Path file) {
    try {
      if (posix()) {
        Files.setPosixFilePermissions(file, FILE);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot make " + file + " owner-only", e);
    }
  }

  private static FileAttribute<?>[] fileAttributes() {
    return posix()
        ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(FILE)}
        : new FileAttribute<?>[0];
  }

  private static boolean posix() {
    return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
  }
}
