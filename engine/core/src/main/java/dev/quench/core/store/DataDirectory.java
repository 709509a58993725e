package dev.quench.core.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's data directory is private to the user Quench runs as: the directory and every
 * directory in it {@code 0700}, every file {@code 0600}. It holds the store, the API token and the
 * ingest journal, so a user who can read it can read every alert, and one who can write it can
 * run code as Quench. Stateless; thread-safe.
 */
public final class DataDirectory {

    private static final Logger LOG = LoggerFactory.getLogger(DataDirectory.class);
    private static final Set<PosixFilePermission> PRIVATE_DIRECTORY = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> PRIVATE_FILE = PosixFilePermissions.fromString("rw-------");
    private static final int MAX_NAMED_CHANGES = 10;

    private DataDirectory() {
    }

    /**
     * Creates {@code directory} {@code 0700}, or checks an existing one: it must be owned by the user
     * Quench runs as, and whatever in it other users could read or write is tightened, with a WARN
     * naming each change.
     *
     * @throws StoreException when the directory belongs to another user, or cannot be created or tightened
     */
    public static void prepare(Path directory) {
        if (!posix()) {
            createPlain(directory);
            return;
        }
        try {
            if (Files.notExists(directory)) {
                Path parent = directory.toAbsolutePath().getParent();
                if (parent != null) {
                    Files.createDirectories(parent);
                }
                Files.createDirectory(directory, PosixFilePermissions.asFileAttribute(PRIVATE_DIRECTORY));
                // The umask may take bits away; never adds any, but set it exactly anyway.
                Files.setPosixFilePermissions(directory, PRIVATE_DIRECTORY);
                return;
            }
            checkOwner(directory);
            List<String> changes = tighten(directory);
            if (!changes.isEmpty()) {
                List<String> named = changes.size() <= MAX_NAMED_CHANGES ? changes
                        : new ArrayList<>(changes.subList(0, MAX_NAMED_CHANGES));
                if (changes.size() > MAX_NAMED_CHANGES) {
                    named.add("and " + (changes.size() - MAX_NAMED_CHANGES) + " more");
                }
                LOG.warn("data directory {} was open to other users; Quench tightened it to 0700 (files 0600): {}",
                        directory.toAbsolutePath().normalize(), String.join(", ", named));
            }
        } catch (IOException e) {
            throw new StoreException("cannot make the data directory " + directory.toAbsolutePath().normalize()
                    + " private to the user Quench runs as: " + e.getMessage()
                    + ". Check that this user owns it, or pass --data DIR (or data: in quench.yaml).", e);
        }
    }

    /**
     * Tightens what was created in {@code directory} since {@link #prepare} (files H2 and plugins
     * create get the process umask's modes), without a warning: the directory itself already keeps
     * other users out.
     */
    public static void secure(Path directory) {
        if (!posix() || Files.notExists(directory)) {
            return;
        }
        try {
            List<String> changes = tighten(directory);
            if (!changes.isEmpty()) {
                LOG.debug("data directory {}: tightened {}", directory, changes);
            }
        } catch (IOException e) {
            throw new StoreException("cannot make the files in the data directory " + directory
                    + " private to the user Quench runs as: " + e.getMessage(), e);
        }
    }

    /**
     * Whether another process holds the embedded store in {@code directory} open (H2 locks its file):
     * a quick answer where opening it would retry for seconds.
     */
    public static boolean storeInUse(Path directory) {
        Path file = directory.resolve("quench.mv.db");
        try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(file,
                java.nio.file.StandardOpenOption.READ, java.nio.file.StandardOpenOption.WRITE)) {
            java.nio.channels.FileLock lock = channel.tryLock();
            if (lock == null) {
                return true;
            }
            lock.release();
            return false;
        } catch (java.nio.channels.OverlappingFileLockException e) {
            return true; // this JVM has it open (an engine in the same process)
        } catch (IOException e) {
            return false; // let opening it say what is wrong
        }
    }

    /** The attribute to create a file of the data directory with: {@code 0600}, where permissions exist. */
    public static FileAttribute<?>[] privateFile() {
        return posix() ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PRIVATE_FILE)}
                : new FileAttribute<?>[0];
    }

    private static List<String> tighten(Path directory) throws IOException {
        List<String> changes = new ArrayList<>();
        List<Path> entries;
        try (Stream<Path> walk = Files.walk(directory)) {
            entries = walk.toList();
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        for (Path entry : entries) {
            if (Files.isSymbolicLink(entry) || Files.notExists(entry, LinkOption.NOFOLLOW_LINKS)) {
                continue;
            }
            boolean isDirectory = Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS);
            Set<PosixFilePermission> wanted = isDirectory ? PRIVATE_DIRECTORY : PRIVATE_FILE;
            Set<PosixFilePermission> current;
            try {
                current = Files.getPosixFilePermissions(entry, LinkOption.NOFOLLOW_LINKS);
            } catch (java.nio.file.NoSuchFileException ignored) {
                continue; // deleted meanwhile (a journal segment, an H2 temp file): nothing left to protect
            }
            if (!current.equals(wanted)) {
                Files.setPosixFilePermissions(entry, wanted);
                String name = entry.equals(directory) ? "." : directory.relativize(entry).toString();
                changes.add(name + " " + PosixFilePermissions.toString(current) + " -> "
                        + PosixFilePermissions.toString(wanted));
            }
        }
        return changes;
    }

    private static void checkOwner(Path directory) throws IOException {
        Object owner = Files.getAttribute(directory, "unix:uid");
        Path self = Path.of("/proc/self");
        if (!Files.exists(self)) {
            return; // not Linux: no reliable uid of this process to compare with
        }
        Object me = Files.getAttribute(self, "unix:uid");
        if (!owner.equals(me)) {
            throw new StoreException("data directory " + directory.toAbsolutePath().normalize() + " is owned by "
                    + Files.getOwner(directory).getName() + " (uid " + owner + "), not by the user Quench runs as (uid "
                    + me + "). Quench keeps its store and API token there and will not use a directory another user "
                    + "controls: chown -R it to the user Quench runs as, or pass --data DIR (or data: in quench.yaml).");
        }
    }

    private static void createPlain(Path directory) {
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new StoreException("cannot create the data directory " + directory + ": " + e.getMessage(), e);
        }
    }

    private static boolean posix() {
        return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    }
}
