package io.llmscope.server;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.llmscope.storage.Internal;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The module rules of DESIGN.md, checked on the compiled classes of every module but the
 * benchmarks (which measure storage internals on purpose): no module imports a storage package
 * marked {@link Internal} (or the rollup builder and file), and dependencies point one way,
 * server → dashboards → alerting → query → storage, ingest → storage.
 */
class ModuleBoundariesTest {
  private static JavaClasses classes;

  @BeforeAll
  static void importClasses() {
    classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("io.llmscope");
  }

  /** Types other modules must not use: those of @Internal packages, and the rollup internals. */
  private static final DescribedPredicate<JavaClass> STORAGE_INTERNALS =
      new DescribedPredicate<>("are internal to the storage module") {
        @Override
        public boolean test(JavaClass c) {
          if (!c.getPackageName().startsWith("io.llmscope.storage")) return false;
          if (c.getPackage().isAnnotatedWith(Internal.class)) return true;
          String name = c.getName();
          return name.startsWith("io.llmscope.storage.rollup.RollupBuilder") || name.startsWith("io.llmscope.storage.rollup.RollupFile");
        }
      };

  @Test
  void noModuleUsesTheStorageInternals() {
    noClasses().that().resideOutsideOfPackage("io.llmscope.storage..")
        .should().dependOnClassesThat(STORAGE_INTERNALS)
        .check(classes);
  }

  /** Bytecode shows uses, not imports: an unused import of an internal package is caught in the sources. */
  @Test
  void noModuleSourceImportsTheStorageInternals() throws IOException {
    Pattern internal = Pattern.compile(
        "^import (static )?io\\.llmscope\\.storage\\.(wal|head|segment|format)\\.|^import io\\.llmscope\\.storage\\.rollup\\.Rollup(Builder|File)\\b");
    Path root = Path.of("").toAbsolutePath().getParent(); // tests run in server/
    List<String> found = new ArrayList<>();
    for (String module : new String[] {"ingest", "query", "alerting", "dashboards", "server"}) {
      if (!Files.isRegularFile(root.resolve(module).resolve("pom.xml"))) throw new AssertionError("no module " + module + " in " + root);
      Path src = root.resolve(module).resolve("src");
      if (!Files.isDirectory(src)) continue; // a module without code yet
      try (Stream<Path> files = Files.walk(src)) {
        for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
          List<String> lines = Files.readAllLines(f);
          for (int i = 0; i < lines.size(); i++) {
            if (internal.matcher(lines.get(i)).find()) found.add(root.relativize(f) + ":" + (i + 1) + ": " + lines.get(i));
          }
        }
      }
    }
    if (!found.isEmpty()) throw new AssertionError("storage internals imported outside storage:\n" + String.join("\n", found));
  }

  @Test
  void theInternalPackagesAreMarked() {
    for (String p : new String[] {"wal", "head", "segment", "format"}) {
      if (!classes.getPackage("io.llmscope.storage." + p).isAnnotatedWith(Internal.class)) {
        throw new AssertionError("io.llmscope.storage." + p + " lost its @Internal mark");
      }
    }
  }

  @Test
  void storageDependsOnNoOtherModule() {
    noClasses().that().resideInAPackage("io.llmscope.storage..")
        .should().dependOnClassesThat().resideInAnyPackage("io.llmscope.ingest..", "io.llmscope.query..",
            "io.llmscope.alerting..", "io.llmscope.dashboards..", "io.llmscope.server..")
        .check(classes);
  }

  @Test
  void ingestSeesOnlyStorage() {
    noClasses().that().resideInAPackage("io.llmscope.ingest..")
        .should().dependOnClassesThat().resideInAnyPackage("io.llmscope.query..", "io.llmscope.alerting..",
            "io.llmscope.dashboards..", "io.llmscope.server..")
        .check(classes);
  }

  @Test
  void queryReachesNoModuleAboveIt() {
    noClasses().that().resideInAPackage("io.llmscope.query..")
        .should().dependOnClassesThat().resideInAnyPackage("io.llmscope.ingest..", "io.llmscope.alerting..",
            "io.llmscope.dashboards..", "io.llmscope.server..")
        .check(classes);
  }

  @Test
  void alertingReachesNoModuleAboveIt() {
    noClasses().that().resideInAPackage("io.llmscope.alerting..")
        .should().dependOnClassesThat().resideInAnyPackage("io.llmscope.ingest..", "io.llmscope.dashboards..",
            "io.llmscope.server..")
        .allowEmptyShould(true) // the module has no classes yet
        .check(classes);
  }

  @Test
  void dashboardsReachNoModuleAboveThem() {
    noClasses().that().resideInAPackage("io.llmscope.dashboards..")
        .should().dependOnClassesThat().resideInAnyPackage("io.llmscope.ingest..", "io.llmscope.server..")
        .check(classes);
  }
}
