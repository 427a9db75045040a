package io.segmentrelay.system;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The packages depend on each other in one direction only: no package cycle. */
class PackageCyclesTest {

  @Test
  void no_package_depends_on_itself_through_others() {
    var classes = new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("io.segmentrelay");
    slices().matching("io.segmentrelay.(*)..").should().beFreeOfCycles().check(classes);
  }
}
