package dev.quench.core.schedule;

import dev.quench.core.boot.Engine;
import dev.quench.core.config.QuenchConfig;
import dev.quench.core.util.Json;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The schedule benchmark quoted in README: 10,000 scheduled runbooks, of which 1,000 fire in the
 * same second. Prints engine start-up time (a restart, the store holding the schedules; and the first
 * start on an empty store), heap used after start, and the lateness (scheduled fire time to run
 * queued) p50/p99/max of the 1,000 fires.
 * How to run it: docs/schedules.md#benchmark. Arguments: schedules, firing together, lead seconds.
 * Bounded: it stops after the fires or after two minutes.
 */
public final class ScheduleBenchmark {

    private ScheduleBenchmark() {
    }

    private static final String FIRST_START = "--first-start";

    private static QuenchConfig config(Path work) throws Exception {
        return QuenchConfig.defaults(work.resolve("data")).withHost("127.0.0.1").withPort(0)
                .withRunbooks(work.resolve("runbooks"))
                .withSections(Map.of("schedule", Json.json().readTree("{\"misfireThreshold\": \"60s\"}")));
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 2 && args[0].equals(FIRST_START)) {
            long startNanos = System.nanoTime();
            try (Engine engine = Engine.start(config(Path.of(args[1])))) {
                System.out.println("first-start-ms " + Duration.ofNanos(System.nanoTime() - startNanos).toMillis());
            }
            return;
        }
        int schedules = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int firing = args.length > 1 ? Integer.parseInt(args[1]) : 1_000;
        int leadSeconds = args.length > 2 ? Integer.parseInt(args[2]) : 120;
        Path work = Files.createTempDirectory("quench-schedule-bench");
        Path runbooks = Files.createDirectories(work.resolve("runbooks"));
        // The burst second: far enough ahead for loading and syncing 10,000 schedules.
        Instant burst = Instant.now().plusSeconds(leadSeconds).truncatedTo(ChronoUnit.SECONDS);
        ZonedDateTime at = burst.atZone(ZoneOffset.UTC);
        String burstCron = at.getSecond() + " " + at.getMinute() + " " + at.getHour() + " * * ?";
        for (int i = 0; i < schedules; i++) {
            // The others fire at spread-out times of the day that the benchmark never reaches.
            ZonedDateTime other = at.plusHours(1).plusMinutes(i % 600);
            String cron = i < firing ? burstCron : "0 " + other.getMinute() + " " + other.getHour() + " * * ?";
            Files.writeString(runbooks.resolve("bench-" + i + ".yaml"), """
                    name: bench-%d
                    triggers:
                      schedule: {cron: "%s"}
                    steps:
                      - id: noop
                        uses: shell.exec
                        with: {command: "true"}
                    """.formatted(i, cron));
        }
        QuenchConfig config = config(work);
        // First start, on an empty store (every schedule group and membership written), in a JVM of its
        // own: the start measured below is then a real restart, a cold JVM on a store holding the schedules.
        Process first = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-cp",
                System.getProperty("java.class.path"), ScheduleBenchmark.class.getName(), FIRST_START,
                work.toString()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String firstOutput = new String(first.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        if (!first.waitFor(5, java.util.concurrent.TimeUnit.MINUTES) || first.exitValue() != 0) {
            throw new IllegalStateException("the first start failed: " + firstOutput);
        }
        long firstStartMillis = Long.parseLong(firstOutput.lines().filter(line -> line.startsWith("first-start-ms "))
                .findFirst().orElseThrow().substring("first-start-ms ".length()).strip());
        System.gc();
        long heapBefore = usedHeap();
        long startNanos = System.nanoTime();
        long startCpuNanos = processCpuNanos();
        // The start-up that counts: a cold JVM on a store that holds the schedules, as on every restart.
        try (Engine engine = Engine.start(config)) {
            Duration startup = Duration.ofNanos(System.nanoTime() - startNanos);
            Duration startupCpu = Duration.ofNanos(processCpuNanos() - startCpuNanos);
            System.gc();
            long heapAfter = usedHeap();
            if (Instant.now().isAfter(burst)) {
                throw new IllegalStateException("start-up took past the burst second " + burst + ": raise the lead");
            }
            long reloadNanos = System.nanoTime();
            engine.runbooks().reload();
            Duration reload = Duration.ofNanos(System.nanoTime() - reloadNanos);
            long syncNanos = System.nanoTime();
            engine.schedules().sync();
            Duration resync = Duration.ofNanos(System.nanoTime() - syncNanos);
            ScheduleFires fires = new ScheduleFires(engine.store());
            Instant deadline = burst.plus(Duration.ofMinutes(2));
            List<long[]> lateness = List.of();
            while (Instant.now().isBefore(deadline)) {
                lateness = fires.latenessOfRunsSince(burst.minusSeconds(1));
                if (lateness.size() >= firing) {
                    break;
                }
                Thread.sleep(200);
            }
            List<Long> sorted = new ArrayList<>(lateness.stream().map(pair -> pair[1]).sorted().toList());
            List<Long> quartzSorted = lateness.stream().map(pair -> pair[0]).sorted().toList();
            System.out.printf("schedules loaded:        %d (%d firing in the same second)%n", schedules, firing);
            System.out.printf("engine start-up:         %d ms (restart: store holds the schedules; load runbooks, "
                    + "sync, start)%n", startup.toMillis());
            System.out.printf("  CPU time of that start: %d ms over all threads (wall time on a busy machine "
                    + "is longer; on an idle one about this divided by the cores used)%n", startupCpu.toMillis());
            System.out.printf("  first start:           %d ms (empty store: every group and membership written)%n",
                    firstStartMillis);
            System.out.printf("  runbook load (warm):   %d ms; unchanged re-sync: %d ms%n", reload.toMillis(),
                    resync.toMillis());
            System.out.printf("heap used after start:   %d MiB (before: %d MiB)%n", heapAfter >> 20, heapBefore >> 20);
            System.out.printf("fires recorded:          %d of %d%n", sorted.size(), firing);
            if (!sorted.isEmpty()) {
                System.out.printf("lateness p50 / p99 / max: %d / %d / %d ms%n", percentile(sorted, 50),
                        percentile(sorted, 99), sorted.getLast());
                System.out.printf("  of which Quartz (scheduled to fired) p50 / p99: %d / %d ms%n",
                        percentile(quartzSorted, 50), percentile(quartzSorted, 99));
            }
            System.out.printf("load average (1 min) at the end: %.1f — figures taken on a busy machine are "
                    + "upper bounds%n", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
            System.out.printf("machine: %d cores, %d MiB max heap, %s %s, %s%n",
                    Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20,
                    System.getProperty("os.name"), System.getProperty("os.version"),
                    ManagementFactory.getRuntimeMXBean().getVmVersion());
            engine.dispatcher().awaitIdle(Instant.now().plusSeconds(60));
        } finally {
            try (var files = Files.walk(work)) {
                files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }

    private static long processCpuNanos() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getProcessCpuTime() : 0;
    }

    private static long usedHeap() {
        Runtime runtime = Runtime.getRuntime();
        return runtime.totalMemory() - runtime.freeMemory();
    }

    private static long percentile(List<Long> sorted, int percent) {
        int index = (int) Math.ceil(percent / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }
}
