package dev.quench.core;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.ArchConfiguration;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import dev.quench.core.cli.QuenchMain;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The package structure of engine/core, checked so that it cannot drift back into a knot: packages
 * follow the data flow and form no cycle, one composition root wires them, and plugins see only
 * engine/api.
 *
 * <p>Every package is its own slice ({@code dev.quench.core.(**)}): a sub-package such as
 * {@code runbook.groovy} counts as separate from {@code runbook}, so a cycle between a package and
 * its sub-package fails too.
 */
class ArchitectureTest {

    private static JavaClasses mainClasses;

    @BeforeAll
    static void importMainClasses() {
        // Only engine/core's own class directory: scanning the whole class path for the package takes ~10x longer.
        ArchConfiguration.get().setResolveMissingDependenciesFromClassPath(false);
        mainClasses = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPath(classDirectoryOf(QuenchMain.class));
    }

    @Test
    void corePackagesFormNoCycle() {
        slices().matching("dev.quench.core.(**)")
                .namingSlices("$1")
                .should().beFreeOfCycles()
                .check(mainClasses);
    }

    @Test
    void onlyTheEntryPointsImportTheCompositionRoot() {
        noClasses().that().resideOutsideOfPackages("dev.quench.core.boot..", "dev.quench.core.cli..")
                .should().dependOnClassesThat().resideInAPackage("dev.quench.core.boot..")
                .because("the composition root wires the engine; the engine's parts do not reach back into it")
                .allowEmptyShould(true)
                .check(mainClasses);
    }

    @Test
    void onlyTheCompositionRootMountsTheConsole() {
        // The templates jte compiles from src/main/jte (gg.jte.generated...) read the console's page models: fine.
        noClasses().that().resideInAPackage("dev.quench.core..")
                .and().resideOutsideOfPackages("dev.quench.core.console..", "dev.quench.core.boot..",
                        "dev.quench.core.cli..")
                .should().dependOnClassesThat().resideInAPackage("dev.quench.core.console..")
                .because("the console sits above the server (it uses the server's access checks and shared actions) "
                        + "and below boot, which mounts it on the API's router through server.RouteMount")
                .allowEmptyShould(true)
                .check(mainClasses);
    }

    @Test
    void theEngineCarriesNoTestServer() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage("dev.quench.testkit..", "org.apache.sshd..")
                .because("the test kit's SSH server is for tests and `quench demo` (engine/demo), not the engine's runtime")
                .check(mainClasses);
    }

    @Test
    void onlyTheStoreSpeaksSql() {
        noClasses().that().resideOutsideOfPackages("dev.quench.core.store..", "db.migration..")
                .and().doNotHaveFullyQualifiedName("dev.quench.core.schedule.StoreConnectionProvider")
                .should().dependOnClassesThat().resideInAnyPackage("org.jdbi..", "java.sql..")
                .because("storage has one door: repositories in dev.quench.core.store own every SQL statement and "
                        + "the rest of the engine calls their methods (add one there rather than opening a "
                        + "connection). Two exceptions: db.migration holds Flyway's Java migrations, which Flyway "
                        + "finds by that package and which are the schema, the store's own business; and "
                        + "schedule.StoreConnectionProvider implements Quartz's ConnectionProvider, whose "
                        + "interface hands out java.sql.Connection so Quartz's job store (SQL Quartz writes "
                        + "itself) shares the store's pool")
                .check(mainClasses);
    }

    @Test
    void noPluginReachesIntoTheCore() throws IOException {
        Path plugins = repositoryRoot().resolve("plugins");
        Pattern core = Pattern.compile("\\bdev\\.quench\\.core\\b");
        List<String> offenders;
        try (Stream<Path> files = Files.walk(plugins)) {
            offenders = files
                    .filter(file -> file.toString().endsWith(".java"))
                    .filter(file -> !file.toString().contains("/target/"))
                    .filter(file -> core.matcher(read(file)).find())
                    .map(file -> plugins.relativize(file).toString())
                    .sorted()
                    .toList();
        }
        assertThat(offenders)
                .as("plugins compile against engine/api only (and the test kit), never dev.quench.core; "
                        + "move what they need into engine/api")
                .isEmpty();
    }

    private static Path classDirectoryOf(Class<?> type) {
        try {
            return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException("cannot locate the classes of " + type.getName(), e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /** The checkout's root: the nearest directory above the working directory holding plugins/ and engine/core/. */
    private static Path repositoryRoot() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve("plugins")) && Files.isDirectory(dir.resolve("engine/core"))) {
                return dir;
            }
        }
        throw new IllegalStateException("no directory holding plugins/ and engine/core/ above "
                + Path.of("").toAbsolutePath() + ": run this test from inside the Quench checkout");
    }
}
