package dev.quench.core.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quench.core.server.Principal;
import dev.quench.core.store.Role;
import dev.quench.core.store.RunStatus;
import dev.quench.core.testing.EngineHarness;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The runbooks screen: owner, triggers, last outcome, team scope and load problems as FILE:LINE:COL. */
class RunbookCatalogTest {

    @TempDir
    Path temp;

    private EngineHarness harness;
    private RunbookCatalog catalog;
    private Path runbooks;

    @BeforeEach
    void start() throws Exception {
        runbooks = Files.createDirectories(temp.resolve("runbooks"));
        Files.writeString(runbooks.resolve("disk.yaml"), """
                name: disk-cleanup
                description: Delete old logs.
                owner: storage-team
                triggers:
                  alert:
                    matchers: ['alertname="DiskSpaceLow"']
                  schedule: {cron: "0 30 3 * * ?", timezone: UTC, enabled: false}
                guards: {cooldown: 30m, maxRunsPerHour: 3}
                steps:
                  - {id: clean, uses: shell.exec, with: {command: 'echo clean'}}
                onFailure:
                  - {id: page, uses: shell.exec, with: {command: 'echo failed'}}
                """);
        Files.writeString(runbooks.resolve("web.yaml"), """
                name: web-restart
                owner: web-team
                approval: {required: true}
                steps:
                  - {id: restart, uses: shell.exec, with: {command: 'echo restart'}}
                """);
        Files.writeString(runbooks.resolve("broken.yaml"), """
                name: broken
                steps:
                  - {id: x, uses: no.such.step}
                """);
        harness = EngineHarness.start(EngineHarness.config(temp.resolve("data"), runbooks));
        catalog = new RunbookCatalog(harness.engine().runbooks(), harness.engine().store());
    }

    @AfterEach
    void stop() {
        harness.close();
    }

    @Test
    void theListShowsOwnerTriggersLastOutcomeAndTheLoadProblemsWithTheirPosition() throws Exception {
        harness.engine().dispatcher().startManual(harness.engine().runbooks().find("disk-cleanup").orElseThrow(),
                Map.of(), null, false, "alice");
        harness.awaitRuns(Duration.ofSeconds(60));

        RunbookCatalog.Page page = catalog.page(new Principal("root", Role.VIEWER, null), "", 1);

        assertThat(page.rows()).extracting(RunbookCatalog.Row::name).containsExactly("disk-cleanup", "web-restart");
        RunbookCatalog.Row disk = page.rows().getFirst();
        assertThat(disk.owner()).isEqualTo("storage-team");
        assertThat(disk.alertTrigger()).isEqualTo("alertname=\"DiskSpaceLow\" (firing)");
        assertThat(disk.schedule()).isEqualTo("0 30 3 * * ? (UTC), disabled");
        assertThat(disk.lastRun()).get().extracting(last -> last.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(page.rows().get(1).lastRun()).isEmpty();
        assertThat(page.rows().get(1).approval()).isTrue();
        assertThat(page.problems()).singleElement().asString()
                .startsWith(runbooks.resolve("broken.yaml") + ":3:").contains("no.such.step");
        assertThat(page.problems().getFirst()).matches(".*broken\\.yaml:\\d+:\\d+: .*");
    }

    @Test
    void aTeamTokenSeesItsTeamsRunbooksAndNoLoadProblems() {
        Principal web = new Principal("wes", Role.OPERATOR, "web-team");

        RunbookCatalog.Page page = catalog.page(web, "", 1);

        assertThat(page.rows()).extracting(RunbookCatalog.Row::name).containsExactly("web-restart");
        assertThat(page.problems()).isEmpty();
        assertThat(catalog.detail(web, "disk-cleanup")).isEmpty();
        assertThat(catalog.find(web, "web-restart")).isPresent();
    }

    @Test
    void theDetailListsStepsOnFailureAndGuardsAndTheFilterNarrowsTheList() {
        RunbookCatalog.Detail detail = catalog.detail(new Principal("root", Role.VIEWER, null), "disk-cleanup")
                .orElseThrow();

        assertThat(detail.steps()).containsExactly("clean (shell.exec)");
        assertThat(detail.onFailure()).containsExactly("page (shell.exec)");
        assertThat(detail.guards()).isEqualTo("cooldown 30m, at most 3 runs an hour");
        assertThat(catalog.page(new Principal("root", Role.VIEWER, null), " WEB", 1).rows())
                .extracting(RunbookCatalog.Row::name).containsExactly("web-restart");
        assertThat(catalog.page(new Principal("root", Role.VIEWER, null), "", 9).page()).isEqualTo(1);
    }
}
