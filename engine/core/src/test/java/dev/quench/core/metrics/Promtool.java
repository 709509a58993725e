package dev.quench.core.metrics;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/** Debian's {@code promtool} (package prometheus), run as a process with a time limit. */
final class Promtool {

    static final Path BINARY = Path.of("/usr/bin/promtool");

    private Promtool() {
    }

    /** Skips the calling test when promtool is missing; under {@code CI=true} fails it instead. */
    static void require() {
        boolean present = Files.isExecutable(BINARY);
        if ("true".equals(System.getenv("CI"))) {
            Assertions.assertTrue(present, "CI must install Debian's prometheus package, which ships " + BINARY
                    + " (.ci/run does)");
        }
        Assumptions.assumeTrue(present, "install Debian's prometheus package (it ships " + BINARY + ") to run this test");
    }

    record Result(int exitCode, String output) {
    }

    /** Runs {@code promtool ARGS} in {@code directory}, stdin from {@code input} (or nothing), at most 60 s. */
    static Result run(Path directory, byte[] input, String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(BINARY.toString());
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true).start();
        try (var stdin = process.getOutputStream()) {
            if (input != null) {
                stdin.write(input);
            }
        }
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("promtool " + arguments[0] + " did not finish within 60 s");
        }
        return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8));
    }

    /** The checkout's root: the nearest directory above the working directory holding deploy/ and engine/core/. */
    static Path repositoryRoot() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve("deploy")) && Files.isDirectory(dir.resolve("engine/core"))) {
                return dir;
            }
        }
        throw new IllegalStateException("no directory holding deploy/ and engine/core/ above "
                + Path.of("").toAbsolutePath() + ": run this test from inside the Quench checkout");
    }
}
