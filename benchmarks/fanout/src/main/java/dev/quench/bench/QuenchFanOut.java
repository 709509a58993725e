package dev.quench.bench;

import dev.quench.api.InventoryHost;
import dev.quench.api.StepResult;
import dev.quench.plugin.ssh.SshExecConfig;
import dev.quench.plugin.ssh.SshExecStep;
import dev.quench.plugin.ssh.SshSettings;
import dev.quench.testkit.StepTestContext;
import dev.quench.testkit.TestPluginEnvironment;
import dev.quench.testkit.TestRunResources;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One Quench fan-out as the engine runs it: a started {@link SshExecStep}, an inventory of {@code host-N}
 * names on 127.0.0.1 ports, a fresh run (so every target opens its own SSH connection) and one
 * {@code ssh.exec} step with {@code hosts:} over all of them. The time covers connecting, authenticating,
 * running the command and closing the run's connections.
 */
final class QuenchFanOut {

    private QuenchFanOut() {
    }

    record Outcome(Duration wall, long succeeded, long failed, String firstFailure) {
    }

    static Outcome run(List<Integer> ports, Path knownHosts, Path identity, String user, int concurrency,
                       String command) throws Exception {
        List<InventoryHost> inventory = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (int index = 0; index < ports.size(); index++) {
            String name = "host-" + (index + 1);
            inventory.add(new InventoryHost(name, "127.0.0.1", ports.get(index), user, null, Map.of("role", "bench")));
            names.add(name);
        }
        try (SshExecStep step = new SshExecStep()) {
            step.start(TestPluginEnvironment.builder()
                    .settings("ssh", new SshSettings(knownHosts.toString(), "strict", identity.toString(), user, null,
                            Duration.ofSeconds(60)))
                    .hosts(inventory).dataDirectory(knownHosts.getParent().resolve("quench-data")).build());
            SshExecConfig config = SshExecConfig.builder().command(command).hosts(names).concurrency(concurrency)
                    .maxErrors("100%").build();
            long started = System.nanoTime();
            StepResult result;
            long stepDone;
            try (TestRunResources run = new TestRunResources()) {
                result = step.execute(StepTestContext.builder().resources(run).timeout(Duration.ofMinutes(10)).build(),
                        config);
                stepDone = System.nanoTime();
            }
            Duration wall = Duration.ofNanos(System.nanoTime() - started);
            if (Boolean.getBoolean("bench.verbose")) {
                System.out.printf("  step %.2f s, closing the run's connections %.2f s%n", (stepDone - started) / 1e9,
                        (System.nanoTime() - stepDone) / 1e9);
            }
            long succeeded = (Long) result.outputs().get("succeeded");
            long failed = (Long) result.outputs().get("failed");
            return new Outcome(wall, succeeded, failed, result.message());
        }
    }
}
