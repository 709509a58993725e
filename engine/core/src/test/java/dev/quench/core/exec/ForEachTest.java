package dev.quench.core.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.quench.api.StepPlugin;
import dev.quench.core.local.LocalRuns;
import dev.quench.core.plugin.PluginRegistry;
import dev.quench.core.runbook.load.RunbookLoadResult;
import dev.quench.core.runbook.load.RunbookLoader;
import dev.quench.core.step.ShellExecStep;
import dev.quench.core.store.RunRecord;
import dev.quench.core.store.RunStatus;
import dev.quench.core.store.StepRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** forEach steps, run for real with shell.exec: every iteration recorded, failure stops the rest. */
class ForEachTest {

    @TempDir
    Path temp;

    private PluginRegistry plugins;
    private LocalRuns runs;

    @BeforeEach
    void open() {
        plugins = PluginRegistry.of(List.<StepPlugin<?>>of(new ShellExecStep()));
        runs = LocalRuns.open(LocalRuns.memoryStoreUrl(), "sa", "", plugins,
                dev.quench.core.config.RunbookEnvironment.none(), 64 * 1024);
    }

    @AfterEach
    void close() {
        runs.close();
        plugins.close();
    }

    private RunRecord run(String yaml, Map<String, String> params, boolean dryRun) throws Exception {
        Path file = temp.resolve("each.yaml");
        Files.writeString(file, "name: each\n" + yaml);
        RunbookLoadResult loaded = new RunbookLoader(plugins).load(file);
        assertThat(loaded.problems()).isEmpty();
        return runs.run(loaded.runbooks().getFirst(), params, null, dryRun, "ForEachTest");
    }

    @Test
    void everyItemRunsInOrderIsRecordedAndLaterStepsReadTheItems() throws Exception {
        RunRecord run = run("""
                params: {hosts: "web-1,web 2"}
                steps:
                  - id: ping
                    uses: shell.exec
                    forEach: ${{ params.hosts.split(',') }}
                    with: {command: 'echo ${{ itemIndex }}:${{ item }}'}
                    outputs: {host: '${{ item }}'}
                  - id: report
                    uses: shell.exec
                    with: {command: 'echo ${{ size(steps.ping.items) }} ${{ steps.ping.items[1].outputs.host }} ${{ steps.ping.items[1].item }}'}
                """, Map.of(), false);

        assertThat(run.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(run.steps()).extracting(StepRecord::stepId, StepRecord::status).containsExactly(
                tuple("ping", "succeeded"), tuple("ping[0]", "succeeded"), tuple("ping[1]", "succeeded"),
                tuple("report", "succeeded"));
        // item values are shell-quoted like every other value
        assertThat(run.steps().get(2).rendered()).containsEntry("command", "echo 1:'web 2'");
        assertThat(run.steps().get(0).rendered()).containsEntry("forEach", List.of("web-1", "web 2"));
        assertThat(run.steps().get(0).message()).isEqualTo("all 2 items succeeded");
        assertThat(run.steps().get(0).stdout()).isEqualTo("0:web-1\n1:web 2\n");
        assertThat(run.steps().get(3).stdout()).isEqualTo("2 web 2 web 2\n");
    }

    @Test
    void aFailedItemStopsTheItemsAfterItAndFailsTheRun() throws Exception {
        RunRecord run = run("""
                steps:
                  - id: restart
                    uses: shell.exec
                    forEach: [a, b, c]
                    with: {command: 'test ${{ item }} != b'}
                  - id: never
                    uses: shell.exec
                    with: {command: echo never}
                """, Map.of(), false);

        assertThat(run.status()).isEqualTo(RunStatus.FAILED);
        assertThat(run.steps()).extracting(StepRecord::stepId, StepRecord::status).containsExactly(
                tuple("restart", "failed"), tuple("restart[0]", "succeeded"), tuple("restart[1]", "failed"));
        assertThat(run.steps().getFirst().message())
                .isEqualTo("item 1 (b) failed: command exited with code 1; 1 item was not started");
        assertThat(run.steps().getFirst().exitCode()).isEqualTo(1);
    }

    @Test
    void continueOnErrorRunsEveryItemAndTheRunGoesOn() throws Exception {
        RunRecord run = run("""
                steps:
                  - id: restart
                    uses: shell.exec
                    continueOnError: true
                    forEach: [a, b, c]
                    with: {command: 'test ${{ item }} = b'}
                  - id: after
                    uses: shell.exec
                    with: {command: 'echo ${{ steps.restart.items[1].status }} ${{ steps.restart.status }}'}
                """, Map.of(), false);

        assertThat(run.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(run.steps()).extracting(StepRecord::stepId).containsExactly("restart", "restart[0]", "restart[1]",
                "restart[2]", "after");
        assertThat(run.steps().getFirst().message()).isEqualTo("item 0 (a) failed: command exited with code 1; "
                + "2 of 3 items failed");
        assertThat(run.steps().getLast().stdout()).isEqualTo("succeeded failed\n");
    }

    @Test
    void concurrencyRunsItemsAtTheSameTimeButNeverMoreThanTheLimit() throws Exception {
        Path dir = Files.createDirectories(temp.resolve("running"));
        // Each item marks itself running, records how many are running, waits, then unmarks itself.
        RunRecord run = run("""
                steps:
                  - id: work
                    uses: shell.exec
                    forEach: [1, 2, 3, 4, 5, 6]
                    concurrency: 3
                    with: {command: 'touch %1$s/${{ item }}; ls %1$s | wc -l; sleep 0.6; rm %1$s/${{ item }}'}
                """.formatted(dir), Map.of(), false);

        assertThat(run.status()).isEqualTo(RunStatus.SUCCEEDED);
        List<Integer> running = run.steps().subList(1, 7).stream()
                .map(step -> Integer.parseInt(step.stdout().strip())).toList();
        assertThat(running).allSatisfy(count -> assertThat(count).isBetween(1, 3));
        // on a loaded machine starts may spread out, but with 6 items of 0.6 s some must overlap
        assertThat(running).anySatisfy(count -> assertThat(count).isGreaterThan(1));
        assertThat(run.steps().subList(1, 7)).extracting(StepRecord::stepId)
                .containsExactlyInAnyOrder("work[0]", "work[1]", "work[2]", "work[3]", "work[4]", "work[5]");
    }

    @Test
    void aDryRunRecordsEveryIterationsRenderedInputsAndRunsNothing() throws Exception {
        Path marker = temp.resolve("marker");
        RunRecord run = run("""
                steps:
                  - id: clean
                    uses: shell.exec
                    forEach: [{host: web-1, dir: /a}, {host: web-2, dir: "/b c"}]
                    with: {command: 'touch %s; echo ${{ item.host }} ${{ item.dir }}'}
                """.formatted(marker), Map.of(), true);

        assertThat(run.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(marker).doesNotExist();
        assertThat(run.steps()).extracting(step -> step.rendered().get("command")).containsExactly(null,
                "touch " + marker + "; echo web-1 /a", "touch " + marker + "; echo web-2 '/b c'");
    }

    @Test
    void aForEachThatDoesNotGiveAListFailsTheStepSayingWhatItGave() throws Exception {
        RunRecord run = run("""
                params: {hosts: "web-1,web-2"}
                steps:
                  - id: ping
                    uses: shell.exec
                    forEach: ${{ params.hosts }}
                    with: {command: 'echo ${{ item }}'}
                """, Map.of(), false);

        assertThat(run.status()).isEqualTo(RunStatus.FAILED);
        assertThat(run.steps()).hasSize(1);
        assertThat(run.steps().getFirst().message()).isEqualTo("cannot compute forEach: forEach must give a list, but "
                + "gave 'web-1,web-2' (text: split it, like ${{ params.hosts.split(',') }}, or declare the param with "
                + "type: list)");
    }
}
