package dev.quench.plugin.ssh;

import com.jcraft.jsch.ChannelSftp;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.Session;
import com.jcraft.jsch.SftpATTRS;
import com.jcraft.jsch.SftpException;
import dev.quench.api.StepContext;
import dev.quench.api.StepFailedException;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.UUID;

/**
 * File transfer over SFTP on the run's SSH connection. Paths are data (SFTP requests), never shell. An upload
 * goes to a temporary name in the destination's directory and is renamed over the destination (OpenSSH's
 * {@code posix-rename}), so readers see the old file or the new one, never half of it; a download likewise
 * lands in a temporary file next to the local destination, then moves over it.
 */
final class SftpFiles {

    private static final int CHANNEL_OPEN_TIMEOUT_MILLIS = 10_000;

    private SftpFiles() {
    }

    /** What an upload reads, opened once per target. */
    interface Source {
        InputStream open() throws IOException;
    }

    /** Uploads to {@code destination} with {@code mode} (or the server's default); returns the bytes written. */
    static long upload(Session session, SshTarget target, Source source, String destination, Integer mode,
                       StepContext context) throws StepFailedException {
        String where = target.display() + ": ";
        ChannelSftp sftp = open(session, target);
        String temporary = directoryOf(destination) + ".quench-upload-" + UUID.randomUUID();
        boolean created = false;
        try (InputStream in = source.open()) {
            CountingStream counted = new CountingStream(in);
            created = true;
            sftp.put(counted, temporary, ChannelSftp.OVERWRITE);
            if (mode != null) {
                sftp.chmod(mode, temporary);
            }
            sftp.rename(temporary, destination);
            created = false;
            context.output().info(where + "uploaded " + counted.count + " bytes to " + destination);
            return counted.count;
        } catch (SftpException e) {
            throw new StepFailedException(where + "upload to " + destination + " failed: "
                    + explain(e, temporary, destination) + ". The destination was not changed.", e);
        } catch (IOException e) {
            throw new StepFailedException(where + "cannot read what to upload to " + destination + " (" + e
                    + "). Nothing was changed on the host.", e);
        } finally {
            if (created) {
                try {
                    sftp.rm(temporary);
                } catch (SftpException ignored) {
                    // Never created, or already gone: nothing to remove.
                }
            }
            sftp.disconnect();
        }
    }

    /** Downloads {@code source} into the local {@code destination}; refuses files above {@code maxBytes}. */
    static long download(Session session, SshTarget target, String source, Path destination, long maxBytes,
                         StepContext context) throws StepFailedException {
        String where = target.display() + ": ";
        Path directory = destination.toAbsolutePath().getParent();
        if (directory == null || !Files.isDirectory(directory)) {
            throw new StepFailedException(where + "the download's destination directory " + directory + " does not "
                    + "exist on the Quench host. Create it, or fix destination. Nothing was downloaded.");
        }
        ChannelSftp sftp = open(session, target);
        Path temporary = null;
        try {
            SftpATTRS attributes = sftp.stat(source);
            if (attributes.isDir()) {
                throw new StepFailedException(where + source + " is a directory; ssh.download fetches one file");
            }
            if (attributes.getSize() > maxBytes) {
                throw new StepFailedException(where + source + " has " + attributes.getSize() + " bytes, more than "
                        + "maxBytes (" + maxBytes + "). Raise maxBytes if that is expected. Nothing was downloaded.");
            }
            temporary = Files.createTempFile(directory, ".quench-download-", ".tmp");
            long copied;
            try (InputStream in = sftp.get(source); OutputStream out = Files.newOutputStream(temporary)) {
                copied = copyAtMost(in, out, maxBytes);
            }
            if (copied < 0) {
                throw new StepFailedException(where + source + " grew beyond maxBytes (" + maxBytes + ") while it was "
                        + "downloaded. Nothing was written to " + destination + ".");
            }
            try {
                Files.move(temporary, destination, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, destination, StandardCopyOption.REPLACE_EXISTING);
            }
            temporary = null;
            context.output().info(where + "downloaded " + copied + " bytes from " + source + " to " + destination);
            return copied;
        } catch (SftpException e) {
            throw new StepFailedException(where + "download of " + source + " failed: " + explain(e, source, source)
                    + ". Nothing was written to " + destination + ".", e);
        } catch (IOException e) {
            throw new StepFailedException(where + "cannot write the download of " + source + " to " + destination
                    + " on the Quench host (" + e + "). Check the directory's permissions and free space.", e);
        } finally {
            if (temporary != null) {
                try {
                    Files.deleteIfExists(temporary);
                } catch (IOException ignored) {
                    // Best effort: a stray .quench-download-*.tmp file is harmless and named as such.
                }
            }
            sftp.disconnect();
        }
    }

    private static ChannelSftp open(Session session, SshTarget target) throws StepFailedException {
        try {
            ChannelSftp sftp = (ChannelSftp) session.openChannel("sftp");
            sftp.connect(CHANNEL_OPEN_TIMEOUT_MILLIS);
            return sftp;
        } catch (JSchException e) {
            throw new StepFailedException(target.display() + ": the server refused the SFTP subsystem ("
                    + e.getMessage() + "). Does its sshd_config have 'Subsystem sftp'? Nothing was transferred.", e);
        }
    }

    /** SFTP's status codes in words, naming the path. */
    private static String explain(SftpException e, String temporary, String path) {
        return switch (e.id) {
            case ChannelSftp.SSH_FX_NO_SUCH_FILE -> "no such file or directory: " + path;
            case ChannelSftp.SSH_FX_PERMISSION_DENIED -> "permission denied for " + path + " (or its directory "
                    + "for the temporary file " + temporary + ")";
            // SFTP v3 has no "disk full" code: OpenSSH answers a failed write with a plain failure.
            case ChannelSftp.SSH_FX_FAILURE -> "the server reported a failure (" + e.getMessage() + "): a full disk, "
                    + "a read-only file system, or a directory in the way at " + path;
            default -> e.getMessage() + " (SFTP status " + e.id + ")";
        };
    }

    /** Copies at most {@code max} bytes; -1 when there was more. */
    private static long copyAtMost(InputStream in, OutputStream out, long max) throws IOException {
        byte[] buffer = new byte[32 * 1024];
        long total = 0;
        int read;
        while ((read = in.read(buffer)) >= 0) {
            total += read;
            if (total > max) {
                return -1;
            }
            out.write(buffer, 0, read);
        }
        return total;
    }

    private static String directoryOf(String path) {
        int slash = path.lastIndexOf('/');
        return slash < 0 ? "" : path.substring(0, slash + 1);
    }

    /** Counts what the upload read. */
    private static final class CountingStream extends java.io.FilterInputStream {
        private long count;

        CountingStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int value = super.read();
            if (value >= 0) {
                count++;
            }
            return value;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int read = super.read(buffer, offset, length);
            if (read > 0) {
                count += read;
            }
            return read;
        }
    }
}
