package dev.quench.core.dispatch;

import dev.quench.core.runbook.load.RunbookLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Notices edited, added and removed runbook files and reloads the {@link RunbookRegistry}. Polls
 * (a CRC of every runbook file, each capped at {@link RunbookLoader#MAX_FILE_BYTES}) rather than
 * using inotify, because runbooks often live on mounts where events never arrive (NFS,
 * Kubernetes ConfigMaps swapped by symlink). Thread-safe; close it to stop.
 */
public final class RunbookWatcher implements AutoCloseable {

    /** How often the directory is checked by default. */
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(2);

    private static final Logger LOG = LoggerFactory.getLogger(RunbookWatcher.class);

    private final RunbookRegistry registry;
    private final Runnable afterReload;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("quench-runbook-watcher").factory());
    private volatile long lastFingerprint;

    private RunbookWatcher(RunbookRegistry registry, Runnable afterReload) {
        this.registry = registry;
        this.afterReload = afterReload;
        this.lastFingerprint = fingerprint(registry.directory());
    }

    /** Starts watching the registry's directory; the registry should be loaded already. */
    public static RunbookWatcher start(RunbookRegistry registry, Duration interval) {
        return start(registry, interval, () -> { });
    }

    /**
     * Starts watching, and calls {@code afterReload} after each reload (the scheduler re-syncs its
     * triggers there, so a schedule changes with its runbook).
     */
    public static RunbookWatcher start(RunbookRegistry registry, Duration interval, Runnable afterReload) {
        Objects.requireNonNull(registry, "registry");
        RunbookWatcher watcher = new RunbookWatcher(registry, Objects.requireNonNull(afterReload, "afterReload"));
        long millis = Math.max(50, interval.toMillis());
        watcher.timer.scheduleWithFixedDelay(watcher::check, millis, millis, TimeUnit.MILLISECONDS);
        return watcher;
    }

    private void check() {
        try {
            long fingerprint = fingerprint(registry.directory());
            if (fingerprint != lastFingerprint) {
                lastFingerprint = fingerprint;
                LOG.info("runbooks in {} changed: reloading", registry.directory().toAbsolutePath());
                registry.reload();
                afterReload.run();
            }
        } catch (RuntimeException e) {
            // Keep watching: the next change may fix it, and the current set stays in service.
            LOG.warn("reloading runbooks from {} failed; the current set stays in service", registry.directory(), e);
        }
    }

    /** A checksum over the names and contents of the runbook files; 0 when the directory cannot be read. */
    static long fingerprint(Path directory) {
        CRC32 crc = new CRC32();
        List<Path> files;
        try (Stream<Path> listing = Files.list(directory)) {
            files = listing.filter(path -> RunbookLoader.isRunbookFile(path.getFileName().toString())).sorted().toList();
        } catch (IOException e) {
            return 0;
        }
        for (Path file : files) {
            crc.update(file.getFileName().toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            try {
                long size = Files.size(file);
                crc.update(Long.toString(size).getBytes(java.nio.charset.StandardCharsets.UTF_8));
                if (size <= RunbookLoader.MAX_FILE_BYTES) {
                    crc.update(Files.readAllBytes(file));
                }
            } catch (IOException ignored) {
                // Vanished or unreadable between listing and reading: the reload will report it.
                crc.update(-1);
            }
        }
        return crc.getValue();
    }

    @Override
    public void close() {
        // Let a reload in progress finish (it may be writing schedules): interrupting it mid-write
        // would fail that write for nothing.
        timer.shutdown();
        try {
            if (!timer.awaitTermination(30, TimeUnit.SECONDS)) {
                timer.shutdownNow();
            }
        } catch (InterruptedException e) {
            timer.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
