package dev.quench.core.step;

import dev.quench.api.CappedText;
import dev.quench.api.StepContext;
import dev.quench.api.StepFailedException;
import dev.quench.api.StepPlugin;
import dev.quench.api.StepResult;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * {@code shell.exec}: runs a command on the engine's machine with {@code /bin/sh -c}. On timeout
 * or cancellation the command and every process it started are killed. Thread-safe.
 */
public final class ShellExecStep implements StepPlugin<ShellExecConfig> {

    /** How much of stdout and stderr the result keeps; the rest is counted, not stored. */
    static final int OUTPUT_LIMIT = 64 * 1024;

    @Override
    public String type() {
        return "shell.exec";
    }

    @Override
    public Class<ShellExecConfig> configType() {
        return ShellExecConfig.class;
    }

    @Override
    public StepResult execute(StepContext context, ShellExecConfig config) throws Exception {
        if (context.dryRun()) {
            // A dry run changes nothing: the rendered command is the plan.
            context.output().info("dry run: would run locally: " + config.command());
            return StepResult.succeeded("");
        }
        ProcessBuilder builder = new ProcessBuilder("/bin/sh", "-c", config.command());
        if (config.directory() != null) {
            Path directory = Path.of(config.directory());
            if (!Files.isDirectory(directory)) {
                throw new StepFailedException("working directory " + directory + " does not exist");
            }
            builder.directory(directory.toFile());
        }
        builder.environment().putAll(config.env());
        builder.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new StepFailedException("cannot start /bin/sh for the command: " + e.getMessage(), e);
        }
        context.cancellation().onCancel(() -> kill(process));
        CappedText stdout = new CappedText(OUTPUT_LIMIT);
        CappedText stderr = new CappedText(OUTPUT_LIMIT);
        Thread outReader = Thread.ofVirtual().start(() -> pump(process.getInputStream(), stdout, context.output()::stdout));
        Thread errReader = Thread.ofVirtual().start(() -> pump(process.getErrorStream(), stderr, context.output()::stderr));
        boolean exited;
        try {
            exited = process.waitFor(remaining(context.deadline()).toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            kill(process);
            Thread.currentThread().interrupt();
            throw new StepFailedException("command stopped: " + context.cancellation().reason(), e);
        }
        if (!exited) {
            kill(process);
            throw new StepFailedException("command did not finish within " + context.timeout().toSeconds()
                    + "s and was killed (with every process it started)");
        }
        outReader.join(Duration.ofSeconds(5));
        errReader.join(Duration.ofSeconds(5));
        return StepResult.ofExitCode(process.exitValue(), stdout.text(), stderr.text());
    }

    private static Duration remaining(Instant deadline) {
        Duration left = Duration.between(Instant.now(), deadline);
        return left.isNegative() ? Duration.ZERO : left;
    }

    private static void kill(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    private static void pump(InputStream stream, CappedText sink, Consumer<String> live) {
        byte[] buffer = new byte[8192];
        try (stream) {
            int read;
            while ((read = stream.read(buffer)) >= 0) {
                String chunk = new String(buffer, 0, read, java.nio.charset.StandardCharsets.UTF_8);
                sink.append(chunk);
                live.accept(chunk);
            }
        } catch (IOException ignored) {
            // The process was killed or closed its stream: what was read so far is kept.
        }
    }
}
