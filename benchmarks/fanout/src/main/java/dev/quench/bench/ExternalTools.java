package dev.quench.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The tools operators use today, run against the same sshd ports and timed from outside. */
final class ExternalTools {

    private ExternalTools() {
    }

    record Outcome(Duration wall, long succeeded, long failed) {
    }

    /** {@code xargs -P N ssh -p PORT user@127.0.0.1 true}, with the same strict known_hosts and key as Quench. */
    static Outcome parallelSsh(Path directory, OpenSshFleet fleet, String user, int parallel) throws Exception {
        Path ports = Files.write(directory.resolve("ports.txt"), fleet.ports().stream().map(String::valueOf).toList());
        String script = "xargs -P " + parallel + " -I{} ssh -n -p {} -i " + fleet.clientKey
                + " -o BatchMode=yes -o StrictHostKeyChecking=yes -o UserKnownHostsFile=" + fleet.knownHosts
                + " -o ControlMaster=no " + user + "@127.0.0.1 'true && echo ok' < " + ports;
        long started = System.nanoTime();
        Process process = new ProcessBuilder("/bin/sh", "-c", script).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        process.waitFor();
        Duration wall = Duration.ofNanos(System.nanoTime() - started);
        long ok = output.lines().filter(line -> line.equals("ok")).count();
        return new Outcome(wall, ok, fleet.ports().size() - ok);
    }

    /** {@code ansible all -m command -a true -f N} over an inventory of the same ports; empty when not installed. */
    static Optional<Outcome> ansible(Path directory, OpenSshFleet fleet, String user, int forks) throws Exception {
        if (!Files.isExecutable(Path.of("/usr/bin/ansible"))) {
            return Optional.empty();
        }
        List<String> inventory = new ArrayList<>(List.of("[bench]"));
        List<Integer> ports = fleet.ports();
        for (int index = 0; index < ports.size(); index++) {
            inventory.add("host-" + (index + 1) + " ansible_host=127.0.0.1 ansible_port=" + ports.get(index));
        }
        inventory.add("[bench:vars]");
        inventory.add("ansible_user=" + user);
        inventory.add("ansible_ssh_private_key_file=" + fleet.clientKey);
        inventory.add("ansible_python_interpreter=/usr/bin/python3");
        inventory.add("ansible_ssh_common_args='-o StrictHostKeyChecking=yes -o UserKnownHostsFile="
                + fleet.knownHosts + "'");
        Path file = Files.write(directory.resolve("inventory.ini"), inventory);
        ProcessBuilder builder = new ProcessBuilder("/usr/bin/ansible", "all", "-i", file.toString(), "-m", "command",
                "-a", "true", "-f", String.valueOf(forks), "-o").redirectErrorStream(true);
        builder.environment().put("ANSIBLE_SSH_CONTROL_PATH_DIR", directory.resolve("cp").toString());
        builder.environment().put("ANSIBLE_LOCAL_TEMP", directory.resolve("ansible-tmp").toString());
        builder.environment().put("ANSIBLE_NOCOLOR", "1");
        long started = System.nanoTime();
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes());
        process.waitFor(30, TimeUnit.MINUTES);
        Duration wall = Duration.ofNanos(System.nanoTime() - started);
        long ok = output.lines().filter(line -> line.contains("| CHANGED |") || line.contains("| SUCCESS |")).count();
        if (ok < ports.size()) {
            System.out.println("  ansible output (first lines): " + output.lines().limit(5).toList());
        }
        return Optional.of(new Outcome(wall, ok, ports.size() - ok));
    }

    static String sshdVersion() {
        try {
            Process process = new ProcessBuilder(OpenSshFleet.SSHD.toString(), "-V").redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes());
            Matcher matcher = Pattern.compile("OpenSSH_[^,\\s]+").matcher(output);
            return matcher.find() ? matcher.group() : "sshd";
        } catch (Exception e) {
            return "sshd (version unknown: " + e.getMessage() + ")";
        }
    }
}
