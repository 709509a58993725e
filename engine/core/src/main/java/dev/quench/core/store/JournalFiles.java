package dev.quench.core.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.LongPredicate;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ingest journal's files: append-only segments {@code <first sequence>.journal} in one directory,
 * each a run of records {@code [length:int][crc32c:int][sequence:long][body]} (big-endian, the CRC
 * covers sequence and body). {@link #append} writes a whole group and forces it to the disk before
 * it returns, so a record is acknowledged only once it survives a power cut. At open, a torn tail
 * (a crash during the last write, never acknowledged) is cut off; a damaged record anywhere else is
 * reported and its segment moved aside. One process at a time: the directory is locked. Not
 * thread-safe: one writer thread appends, one expander thread {@link #release releases}.
 */
final class JournalFiles implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(JournalFiles.class);
    static final String SUFFIX = ".journal";
    private static final int HEADER_BYTES = 16;
    /** A segment is closed and a new one started once it holds this much: old ones are deleted whole. */
    static final long DEFAULT_SEGMENT_BYTES = 64L * 1024 * 1024;

    /** One record read back at open. */
    record Record(long sequence, byte[] body) {
    }

    private final Path directory;
    private final long segmentBytes;
    private final FileChannel lockChannel;
    private final FileLock lock;
    /** First sequence → segment, oldest first; the last one is {@link #active}. */
    private final TreeMap<Long, Path> segments = new TreeMap<>();
    private final List<Record> recovered;
    private FileChannel active;
    private long activeSize;
    private long nextSequence;
    /** Set when a failed write could not be undone: appending again could hide records behind garbage. */
    private IOException broken;

    private JournalFiles(Path directory, long segmentBytes, FileChannel lockChannel, FileLock lock,
                         List<Record> recovered, long nextSequence) {
        this.directory = directory;
        this.segmentBytes = segmentBytes;
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.recovered = recovered;
        this.nextSequence = nextSequence;
    }

    /**
     * Opens (creating) the journal in {@code directory}, reads back every intact record with a sequence
     * above {@code expandedUpTo} (see {@link #recovered()}) and starts a new segment for appends.
     *
     * @throws UncheckedIOException when the directory cannot be used, naming it and what to do
     */
    static JournalFiles open(Path directory, long expandedUpTo, long segmentBytes) {
        Objects.requireNonNull(directory, "directory");
        FileChannel lockChannel = null;
        try {
            Files.createDirectories(directory);
            lockChannel = FileChannel.open(directory.resolve("journal.lock"),
                    java.util.Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE), DataDirectory.privateFile());
            FileLock lock;
            try {
                lock = lockChannel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                throw new IOException("another Quench process (or engine) is using this ingest journal: each "
                        + "`quench serve` needs a data directory of its own");
            }
            List<Record> records = new ArrayList<>();
            TreeMap<Long, Path> found = list(directory);
            long last = expandedUpTo;
            for (Map.Entry<Long, Path> segment : found.entrySet()) {
                boolean newest = segment.getKey().equals(found.lastKey());
                last = Math.max(last, read(segment.getValue(), newest, expandedUpTo, records));
            }
            JournalFiles files = new JournalFiles(directory, segmentBytes, lockChannel, lock, records, last + 1);
            for (Map.Entry<Long, Path> segment : list(directory).entrySet()) {
                if (Files.size(segment.getValue()) == 0) {
                    Files.delete(segment.getValue()); // nothing in it (cut back to empty, or never written)
                } else {
                    files.segments.put(segment.getKey(), segment.getValue());
                }
            }
            files.startSegment();
            return files;
        } catch (IOException e) {
            closeQuietly(lockChannel);
            throw new UncheckedIOException("cannot open the ingest journal in " + directory + ": " + e.getMessage()
                    + ". Check that the directory exists, is writable by Quench and has free space.", e);
        }
    }

    private static TreeMap<Long, Path> list(Path directory) throws IOException {
        TreeMap<Long, Path> found = new TreeMap<>();
        try (Stream<Path> files = Files.list(directory)) {
            files.forEach(file -> {
                String name = file.getFileName().toString();
                if (name.endsWith(SUFFIX)) {
                    try {
                        found.put(Long.parseLong(name.substring(0, name.length() - SUFFIX.length())), file);
                    } catch (NumberFormatException e) {
                        LOG.warn("ignoring {} in the ingest journal directory: not a journal segment name", file);
                    }
                }
            });
        }
        return found;
    }

    /**
     * Reads one segment, adding the records above {@code expandedUpTo} to {@code into}; returns the
     * last intact sequence (or {@code expandedUpTo} when none). A bad record ends the segment: in the
     * newest segment it is a torn write that was never acknowledged and is cut off; in an older one
     * the segment is damaged and is moved aside, loudly.
     */
    private static long read(Path segment, boolean newest, long expandedUpTo, List<Record> into) throws IOException {
        long last = expandedUpTo;
        try (FileChannel channel = FileChannel.open(segment, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long size = channel.size();
            long position = 0;
            ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.BIG_ENDIAN);
            String problem = null;
            while (position < size) {
                if (size - position < HEADER_BYTES) {
                    problem = "an incomplete record header";
                    break;
                }
                header.clear();
                readFully(channel, header, position);
                header.flip();
                int length = header.getInt();
                int crc = header.getInt();
                long sequence = header.getLong();
                if (length < 0 || length > size - position - HEADER_BYTES) {
                    problem = "a record longer than the rest of the file";
                    break;
                }
                ByteBuffer body = ByteBuffer.allocate(length);
                readFully(channel, body, position + HEADER_BYTES);
                if (crc(sequence, body.array()) != crc) {
                    problem = "a record whose checksum does not match";
                    break;
                }
                if (sequence > expandedUpTo) {
                    into.add(new Record(sequence, body.array()));
                }
                last = Math.max(last, sequence);
                position += HEADER_BYTES + length;
            }
            if (problem == null) {
                return last;
            }
            if (newest) {
                LOG.warn("the ingest journal {} ends in {} at byte {} ({} bytes): a write cut short by a crash, never "
                        + "acknowledged to its sender (it retries); cutting it off", segment, problem, position,
                        size - position);
                channel.truncate(position);
                channel.force(true);
                return last;
            }
        }
        Path aside = segment.resolveSibling(segment.getFileName() + ".damaged");
        LOG.error("the ingest journal segment {} is damaged after sequence {}: the records after that point cannot "
                + "be read and are NOT stored. It was moved to {} for inspection; check the disk", segment, last, aside);
        Files.move(segment, aside, StandardCopyOption.REPLACE_EXISTING);
        return last;
    }

    private static void readFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
        long at = position;
        while (buffer.hasRemaining()) {
            int read = channel.read(buffer, at);
            if (read < 0) {
                throw new IOException("unexpected end of file");
            }
            at += read;
        }
    }

    static int crc(long sequence, byte[] body) {
        CRC32C crc = new CRC32C();
        crc.update(ByteBuffer.allocate(Long.BYTES).putLong(0, sequence));
        crc.update(body);
        return (int) crc.getValue();
    }

    /** The intact records above the expanded sequence found at open, oldest first. */
    List<Record> recovered() {
        return recovered;
    }

    /**
     * Appends {@code bodies} as consecutive records and forces them to the disk; returns the sequence
     * of the first. When this throws nothing of the group is in the journal (a partial write is cut
     * back), or — when even that fails — the journal refuses every later append until a restart.
     */
    long append(List<byte[]> bodies) throws IOException {
        if (broken != null) {
            throw new IOException("the ingest journal in " + directory + " could not undo a failed write ("
                    + broken.getMessage() + "); restart Quench, which cuts the damaged tail off", broken);
        }
        int total = 0;
        for (byte[] body : bodies) {
            total = Math.addExact(total, HEADER_BYTES + body.length);
        }
        ByteBuffer buffer = ByteBuffer.allocate(total).order(ByteOrder.BIG_ENDIAN);
        long first = nextSequence;
        long sequence = first;
        for (byte[] body : bodies) {
            buffer.putInt(body.length).putInt(crc(sequence, body)).putLong(sequence).put(body);
            sequence++;
        }
        buffer.flip();
        long start = activeSize;
        try {
            long at = start;
            while (buffer.hasRemaining()) {
                at += active.write(buffer, at);
            }
            active.force(false);
        } catch (IOException e) {
            try {
                active.truncate(start);
                active.force(false);
            } catch (IOException undo) {
                e.addSuppressed(undo);
                broken = e;
            }
            throw e;
        }
        activeSize = start + total;
        nextSequence = sequence;
        if (activeSize >= segmentBytes) {
            active.close();
            startSegment();
        }
        return first;
    }

    private void startSegment() throws IOException {
        Path segment = directory.resolve(String.format("%020d", nextSequence) + SUFFIX);
        active = FileChannel.open(segment, java.util.Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE),
                DataDirectory.privateFile());
        activeSize = active.size();
        synchronized (segments) {
            segments.put(nextSequence, segment);
        }
        syncDirectory();
    }

    /**
     * Deletes every closed segment whose records all have a sequence for which {@code expanded} says
     * true; returns how many were deleted. The active segment is kept. Safe to call from another
     * thread than the appending one.
     */
    int release(LongPredicate expanded) throws IOException {
        int deleted = 0;
        synchronized (segments) {
            while (segments.size() > 1) {
                Map.Entry<Long, Path> oldest = segments.firstEntry();
                long lastInIt = segments.higherKey(oldest.getKey()) - 1;
                if (!expanded.test(lastInIt)) {
                    break;
                }
                Files.deleteIfExists(oldest.getValue());
                segments.pollFirstEntry();
                deleted++;
            }
        }
        if (deleted > 0) {
            syncDirectory();
        }
        return deleted;
    }

    /** The last sequence of the oldest closed segment, or -1 while every record is in the active one. */
    long oldestClosedEnd() {
        synchronized (segments) {
            return segments.size() > 1 ? segments.higherKey(segments.firstKey()) - 1 : -1;
        }
    }

    Path directory() {
        return directory;
    }

    private void syncDirectory() {
        // Makes a created or deleted segment name durable; not supported on every OS (Windows): best effort.
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            LOG.debug("cannot sync the directory {}: {}", directory, e.toString());
        }
    }

    @Override
    public void close() {
        closeQuietly(active);
        try {
            lock.release();
        } catch (IOException e) {
            LOG.debug("cannot release the ingest journal lock in {}", directory, e);
        }
        closeQuietly(lockChannel);
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                LOG.debug("cannot close a journal file", e);
            }
        }
    }
}
