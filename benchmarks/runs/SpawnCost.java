import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The floor a {@code shell.exec} step puts under a run: the CPU one process spawn costs on this machine, in the
 * child (jspawnhelper, then the command) and in this JVM. Spawns {@code /bin/sh -c true} (what the benchmark's
 * steps run; {@code true} is a shell builtin) COUNT times, one after the other, waiting for each, and reads
 * this process's utime/stime and its waited-for children's cutime/cstime from /proc/self/stat.
 *
 * <pre>java benchmarks/runs/SpawnCost.java [COUNT (default 2000)] [command ... (default /bin/sh -c true)]</pre>
 *
 * Linux only. Set {@code -Djdk.lang.Process.launchMechanism=FORK|VFORK|POSIX_SPAWN} to compare launch mechanisms.
 */
public final class SpawnCost {

    public static void main(String[] args) throws IOException, InterruptedException {
        int count = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        if (count < 1 || count > 100_000) {
            throw new IllegalArgumentException("COUNT must be 1..100000, got " + count);
        }
        List<String> command = args.length > 1 ? List.of(args).subList(1, args.length) : List.of("/bin/sh", "-c", "true");
        for (int i = 0; i < Math.min(200, count); i++) {   // warm-up: the JIT and the launcher's first use
            spawn(command);
        }
        long[] before = cpuTicks();
        long wallStart = System.nanoTime();
        for (int i = 0; i < count; i++) {
            spawn(command);
        }
        double wallMs = (System.nanoTime() - wallStart) / 1e6;
        long[] after = cpuTicks();
        double msPerTick = 1000.0 / clockTicksPerSecond();
        double own = (after[0] - before[0]) * msPerTick / count;
        double childUser = (after[1] - before[1]) * msPerTick / count;
        double childSys = (after[2] - before[2]) * msPerTick / count;
        System.out.printf("%d spawns of %s, launchMechanism=%s, %d cores, load average %s%n", count,
                String.join(" ", command), System.getProperty("jdk.lang.Process.launchMechanism", "default"),
                Runtime.getRuntime().availableProcessors(), Files.readString(Path.of("/proc/loadavg")).strip());
        System.out.printf("per spawn: children %.2f ms user + %.2f ms sys = %.2f ms; this JVM %.2f ms; total %.2f ms CPU; "
                + "wall %.2f ms%n", childUser, childSys, childUser + childSys, own, own + childUser + childSys,
                wallMs / count);
    }

    private static void spawn(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        process.getOutputStream().close();
        int exit = process.waitFor();
        if (exit != 0) {
            throw new IllegalStateException(String.join(" ", command) + " exited " + exit);
        }
    }

    /** This process's utime + stime, and its waited-for children's cutime and cstime, in clock ticks. */
    private static long[] cpuTicks() throws IOException {
        String stat = Files.readString(Path.of("/proc/self/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        // After "pid (comm) ", field 3 (state) is fields[0]: utime is field 14, stime 15, cutime 16, cstime 17.
        return new long[] {Long.parseLong(fields[11]) + Long.parseLong(fields[12]), Long.parseLong(fields[13]),
                Long.parseLong(fields[14])};
    }

    private static long clockTicksPerSecond() throws IOException, InterruptedException {
        Process getconf = new ProcessBuilder("getconf", "CLK_TCK").start();
        String text = new String(getconf.getInputStream().readAllBytes()).strip();
        getconf.waitFor();
        return Long.parseLong(text);
    }

    private SpawnCost() {
    }
}
