package dev.quench.core.runbook.groovy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quench.core.cli.QuenchMain;
import dev.quench.core.plugin.PluginRegistry;
import dev.quench.core.runbook.RunbookProblem;
import dev.quench.core.runbook.load.RunbookLoadResult;
import dev.quench.core.runbook.load.RunbookLoader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Groovy runbooks: the same plan as YAML, step calls through the executor, an allow-list and time limits. */
class GroovyRunbookTest {

    private static final Path SHIPPED_YAML = Path.of("../../runbooks/disk-full-log-cleanup.yaml");
    private static final Path GROOVY_TWIN = Path.of("src/test/resources/runbooks/groovy/disk-full-log-cleanup.groovy");

    @TempDir
    Path temp;

    private String dryRun(Path runbookFile, Path alert) throws Exception {
        Path directory = Files.createDirectories(temp.resolve("dir-" + runbookFile.getFileName()));
        Files.copy(runbookFile, directory.resolve(runbookFile.getFileName()));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream original = System.out;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        // logDir is site configuration (site: true) in both: the site's quench.yaml sets it, not --param.
        Path config = Files.writeString(temp.resolve("quench-" + runbookFile.getFileName() + ".yaml"), """
                params:
                  disk-full-log-cleanup: {logDir: /srv/app logs}
                """);
        try {
            int exit = QuenchMain.run("run", "disk-full-log-cleanup", "--runbooks", directory.toString(), "--alert",
                    alert.toString(), "--config", config.toString(), "--dry-run");
            assertThat(exit).isZero();
        } finally {
            System.setOut(original);
        }
        return out.toString(StandardCharsets.UTF_8).replace(directory.resolve(runbookFile.getFileName()).toString(),
                "SOURCE");
    }

    @Test
    void theGroovyAndYamlVersionsOfARunbookProduceTheSameDryRunPlan() throws Exception {
        Path alert = temp.resolve("alert.yaml");
        Files.writeString(alert, "labels: {alertname: DiskSpaceLow, severity: critical, instance: 'web-7:9100'}\n");

        String yaml = dryRun(SHIPPED_YAML, alert);
        String groovy = dryRun(GROOVY_TWIN, alert);

        assertThat(groovy).isEqualTo(yaml);
        assertThat(groovy).contains("command: du -sk '/srv/app logs'")
                .contains("command: find '/srv/app logs' -ignore_readdir_race -type f -name '*.gz' -mtime +7 -print -delete")
                .contains("host: web-7");
    }

    private static final Path TWINS = Path.of("src/test/resources/runbooks/twins");

    /** Runs the twins' shared runbook tests against one twin; returns what quench test printed. */
    private String runTwinTests(String twin) throws Exception {
        Path directory = Files.createDirectories(temp.resolve("twin-" + twin));
        Files.copy(TWINS.resolve(twin), directory.resolve(twin));
        Files.copy(TWINS.resolve("restart-escalate.test-cases.yaml"), directory.resolve("restart-escalate.test.yaml"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream original = System.out;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        int exit;
        try {
            exit = QuenchMain.run("test", directory.toString());
        } finally {
            System.setOut(original);
        }
        String report = out.toString(StandardCharsets.UTF_8);
        assertThat(exit).as(report).isZero();
        return report;
    }

    @Test
    void onFailureAndAlwaysInGroovyBehaveLikeOnFailureAndFinallyInYaml() throws Exception {
        String yaml = runTwinTests("restart-escalate.yaml");
        String groovy = runTwinTests("restart-escalate.groovy");

        assertThat(yaml).endsWith("3 test(s): 3 passed, 0 failed\n");
        assertThat(groovy).endsWith("3 test(s): 3 passed, 0 failed\n");
    }

    private RunbookLoadResult load(String script) throws Exception {
        Path file = temp.resolve("bad.groovy");
        Files.writeString(file, script);
        try (PluginRegistry plugins = PluginRegistry.discover(null)) {
            return new RunbookLoader(plugins).load(file);
        }
    }

    @Test
    void aGroovyRunbookDeclaresScheduleGuardsApprovalAndResumableLikeYaml() throws Exception {
        RunbookLoadResult result = load("""
                runbook {
                    name 'nightly'
                    schedule cron: '0 30 3 * * ?', timezone: 'Europe/Berlin', misfire: 'skip'
                    guards cooldown: '30m', maxRunsPerHour: 3
                    approval required: true, timeout: '1h'
                    resumable true
                }
                steps { shell.exec id: 'noop', command: 'true' }
                """);

        assertThat(result.problems()).isEmpty();
        dev.quench.core.runbook.Runbook runbook = result.runbooks().getFirst();
        assertThat(runbook.guards().toString())
                .isEqualTo("guards{cooldown=30m, maxRunsPerHour=3, dedupeKey=default}");
        assertThat(runbook.approval())
                .isEqualTo(new dev.quench.core.runbook.ApprovalPolicy(true, Optional.of(Duration.ofHours(1))));
        assertThat(runbook.resumable()).isTrue();
        assertThat(runbook.schedule()).map(dev.quench.core.runbook.ScheduleSpec::describe)
                .contains("0 30 3 * * ? (Europe/Berlin)");
        assertThat(runbook.schedule()).map(dev.quench.core.runbook.ScheduleSpec::misfire)
                .contains(dev.quench.core.runbook.MisfirePolicy.SKIP);

        assertThat(load("runbook { name 'x'; schedule cron: '61 * * * * ?' }\nsteps { }\n").problems())
                .extracting(RunbookProblem::message).singleElement().asString().startsWith("schedule cron:");
        assertThat(load("runbook { name 'x'; guards coldown: '5m' }\nsteps { }\n").problems())
                .extracting(RunbookProblem::message).singleElement().asString()
                .contains("unknown guard 'coldown' — did you mean 'cooldown'?");
    }

    @Test
    void runtimeExecAndOtherEscapesAreRefusedAtLoadWithTheirPosition() throws Exception {
        String file = temp.resolve("bad.groovy").toString();
        String steps = "runbook { name 'bad' }\nsteps {\n    %s\n}\n";

        assertThat(load(steps.formatted("Runtime.getRuntime().exec('touch /tmp/pwned')")).problems())
                .extracting(RunbookProblem::toString).containsExactly(file + ":3:5: class java.lang.Runtime is not "
                        + "available in a runbook: a Groovy runbook's side effects are step calls (ssh.exec(...), "
                        + "http.request(...), shell.exec(...))");
        assertThat(load(steps.formatted("'touch /tmp/pwned'.execute()")).problems())
                .extracting(RunbookProblem::toString).singleElement().asString()
                .startsWith(file + ":3:").contains("method 'execute' is not available in a runbook");
        assertThat(load(steps.formatted("new File('/etc/passwd').text")).problems())
                .extracting(RunbookProblem::message).singleElement().asString()
                .startsWith("new java.io.File(...) is not available in a runbook");
        assertThat(load(steps.formatted("this.class.classLoader")).runbooks()).isEmpty();
        assertThat(Path.of("/tmp/pwned")).doesNotExist();
    }

    @Test
    void aScriptThatLoopsForeverAtLoadIsStoppedAndReported() throws Exception {
        Instant started = Instant.now();

        RunbookLoadResult result = load("""
                runbook { name 'spin' }
                while (true) { }
                steps { }
                """);

        assertThat(Duration.between(started, Instant.now())).isLessThan(Duration.ofSeconds(15));
        assertThat(result.problems()).extracting(RunbookProblem::message)
                .containsExactly("the script did not finish loading within 5s and was stopped: the runbook { } block "
                        + "must only declare, and loops belong in steps { }");
    }

    @Test
    void aBodyThatLoopsForeverIsStoppedAtItsTimeLimitAndTheRunFails() throws Exception {
        Path runbooks = Files.createDirectories(temp.resolve("runbooks"));
        Files.writeString(runbooks.resolve("spin.groovy"), """
                runbook {
                    name 'spin'
                    timeLimit '1s'
                }
                steps {
                    shell.exec id: 'first', command: "echo ${params.size()}"
                    while (true) { }
                }
                """);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream original = System.out;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        int exit;
        try {
            exit = QuenchMain.run("run", "spin", "--runbooks", runbooks.toString(), "--data", temp.resolve("data").toString());
        } finally {
            System.setOut(original);
        }

        assertThat(exit).isEqualTo(1);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("step 1 first (shell.exec): succeeded")
                .contains("the runbook body did not finish within its time limit of 1s and was stopped");
    }

    @Test
    void aGroovyRunbookReadsTheAlertmanagerGroupKeyAsAYamlExpressionDoes() throws Exception {
        Path alert = Files.writeString(temp.resolve("webhook.json"), """
                {"version": "4", "status": "firing", "groupKey": "{}:{alertname=\\"RedisDown\\"}", "receiver": "quench",
                 "alerts": [{"status": "firing", "labels": {"alertname": "RedisDown", "instance": "redis-1:6379"}}]}
                """);
        Path groovyDirectory = Files.createDirectories(temp.resolve("group-groovy"));
        Files.writeString(groovyDirectory.resolve("group.groovy"), """
                runbook {
                    name 'group'
                    alert matchers: ['alertname="RedisDown"']
                }
                steps { shell.exec id: 'note', command: "echo incident ${alert.groupKey}" }
                """);
        Path yamlDirectory = Files.createDirectories(temp.resolve("group-yaml"));
        Files.writeString(yamlDirectory.resolve("group.yaml"), """
                name: group
                triggers:
                  alert: {matchers: ['alertname="RedisDown"']}
                steps:
                  - {id: note, uses: shell.exec, with: {command: 'echo incident ${{ alert.groupKey }}'}}
                """);

        String groovy = planOf(groovyDirectory, alert);
        String yaml = planOf(yamlDirectory, alert);

        assertThat(groovy).contains("command: echo incident '{}:{alertname=\"RedisDown\"}'");
        assertThat(groovy.replace(groovyDirectory.resolve("group.groovy").toString(), "SOURCE"))
                .isEqualTo(yaml.replace(yamlDirectory.resolve("group.yaml").toString(), "SOURCE"));
    }

    private String planOf(Path directory, Path alert) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream original = System.out;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            assertThat(QuenchMain.run("run", "group", "--runbooks", directory.toString(), "--alert", alert.toString(),
                    "--dry-run")).isZero();
        } finally {
            System.setOut(original);
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
