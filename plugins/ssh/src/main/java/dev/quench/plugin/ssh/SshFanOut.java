package dev.quench.plugin.ssh;

import dev.quench.api.Inventory;
import dev.quench.api.StepContext;
import dev.quench.api.StepFailedException;
import dev.quench.api.StepResult;
import dev.quench.api.StepStatus;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * An {@code ssh.exec} step over a fleet ({@code hosts:} or {@code selector:}): resolves the targets, runs
 * the command on each through {@link FleetRollout}, and returns one result with every target's outcome in
 * {@code outputs.targets} and a summary in stdout. Each target uses the run's shared connection to its host.
 */
final class SshFanOut {

    /** How much of each target's stdout and stderr its {@code outputs.targets} entry keeps. */
    static final int TARGET_OUTPUT_CAP_CHARS = 4096;

    /** How many failures the step's message names before it says "and N more". */
    private static final int FAILURES_NAMED = 5;

    /** Connects (or reuses the run's connection) and runs the command on one target. */
    interface TargetRunner {
        StepResult run(SshTarget target, StepContext targetContext) throws StepFailedException;
    }

    private SshFanOut() {
    }

    static StepResult run(StepContext context, SshExecConfig config, Inventory inventory, SshSettings settings,
                          String workPlan, TargetRunner runner) throws StepFailedException {
        List<String> hosts = targets(config, inventory);
        FleetRollout rollout = new FleetRollout(config.concurrencyOrDefault(), config.canaryOrNone(),
                config.errorBudget());
        String plan = hosts.size() + " targets (concurrency " + rollout.concurrency() + ", maxErrors "
                + rollout.budget() + ", canary " + rollout.canary() + ")";
        if (context.dryRun()) {
            context.output().info("dry run: would run on " + plan + ": " + workPlan + "; targets: "
                    + String.join(", ", hosts));
            return StepResult.succeeded("");
        }
        context.output().info("running on " + plan);
        StepContext targetContext = OnBehalfContext.forTarget(context);
        long started = System.nanoTime();
        List<TargetResult> results = rollout.run(hosts, context.cancellation(), host -> {
            SshTarget target = SshTarget.resolve(config.forHost(host), inventory, settings);
            long targetStarted = System.nanoTime();
            TargetResult result;
            try {
                StepResult stepResult = runner.run(target, targetContext);
                result = TargetResult.of(host, stepResult, since(targetStarted), TARGET_OUTPUT_CAP_CHARS);
            } catch (StepFailedException e) {
                result = TargetResult.failed(host, e.getMessage(), since(targetStarted));
            }
            context.output().info(host + ": " + describe(result));
            return result;
        });
        return summarize(results, plan, since(started));
    }

    /** The hosts of a fan-out step, in rollout order. */
    static List<String> targets(SshExecConfig config, Inventory inventory) throws StepFailedException {
        if (config.hosts() != null) {
            return config.hosts();
        }
        HostSelector selector = config.hostSelector().orElseThrow();
        List<String> selected = selector.select(inventory.hosts());
        if (selected.isEmpty()) {
            String labels = inventory.hosts().stream().flatMap(host -> host.labels().keySet().stream()).distinct()
                    .sorted().collect(Collectors.joining(", "));
            throw new StepFailedException("selector " + selector + " matched no host of the inventory ("
                    + inventory.hosts().size() + " hosts" + (labels.isEmpty() ? ", none with labels" : "; labels in use: "
                    + labels) + "); check the labels in inventory.yaml. Nothing was run.");
        }
        return selected;
    }

    private static StepResult summarize(List<TargetResult> results, String plan, Duration took) {
        StringBuilder stdout = new StringBuilder();
        int width = results.stream().mapToInt(result -> result.host().length()).max().orElse(0);
        for (TargetResult result : results) {
            stdout.append(String.format(Locale.ROOT, "%-" + width + "s  %s%n", result.host(), describe(result)));
        }
        long succeeded = count(results, TargetResult.Status.SUCCEEDED);
        long failed = count(results, TargetResult.Status.FAILED);
        long skipped = count(results, TargetResult.Status.SKIPPED);
        String totals = results.size() + " targets: " + succeeded + " succeeded, " + failed + " failed, " + skipped
                + " not started, in " + Durations.describe(Duration.ofMillis(Math.max(1, took.toMillis())));
        stdout.append(totals).append('\n');
        Map<String, Object> outputs = Map.of("targets", results.stream().map(TargetResult::toOutput).toList(),
                "succeeded", succeeded, "failed", failed, "skipped", skipped);
        if (failed == 0 && skipped == 0) {
            return new StepResult(StepStatus.SUCCEEDED, null, stdout.toString(), "", outputs, "");
        }
        List<TargetResult> failures = results.stream().filter(TargetResult::failed).toList();
        String named = failures.stream().limit(FAILURES_NAMED).map(TargetResult::message)
                .collect(Collectors.joining("; "));
        StringBuilder message = new StringBuilder(totals + " (" + plan + ")");
        if (!failures.isEmpty()) {
            message.append(". Failed: ").append(named);
            if (failures.size() > FAILURES_NAMED) {
                message.append("; and ").append(failures.size() - FAILURES_NAMED).append(" more");
            }
        }
        results.stream().filter(result -> result.status() == TargetResult.Status.SKIPPED).findFirst()
                .ifPresent(first -> message.append(". Stopped the rollout: ").append(first.message())
                        .append("; see outputs.targets for every host"));
        return new StepResult(StepStatus.FAILED, null, stdout.toString(), "", outputs, message.toString());
    }

    private static String describe(TargetResult result) {
        return switch (result.status()) {
            case SUCCEEDED -> "succeeded in " + result.duration().toMillis() + " ms";
            case FAILED -> "FAILED in " + result.duration().toMillis() + " ms"
                    + (result.exitCode() == null ? "" : " (exit " + result.exitCode() + ")") + ": " + result.message();
            case SKIPPED -> "skipped: " + result.message();
        };
    }

    private static long count(List<TargetResult> results, TargetResult.Status status) {
        return results.stream().filter(result -> result.status() == status).count();
    }

    private static Duration since(long startedNanos) {
        return Duration.ofNanos(System.nanoTime() - startedNanos);
    }
}
