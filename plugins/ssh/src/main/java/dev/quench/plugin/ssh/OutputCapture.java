package dev.quench.plugin.ssh;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Receives one stream of a remote command (JSch's session thread writes into it as data arrives):
 * forwards every chunk, decoded as UTF-8, to the live step output, and keeps a copy of the first
 * {@code cap} bytes for the step result. Output beyond the cap is counted, never buffered, so a
 * command that prints gigabytes cannot exhaust memory. Thread-safe.
 */
final class OutputCapture extends OutputStream {

    private final Consumer<String> live;
    private final int cap;
    private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPLACE)
            .onUnmappableCharacter(CodingErrorAction.REPLACE);
    /** Bytes of a UTF-8 character split across two chunks, waiting for the rest. */
    private ByteBuffer pending = ByteBuffer.allocate(0);
    private long dropped;
    private boolean liveBroken;
    private volatile boolean ended;
    private volatile Runnable onEnd = () -> { };

    OutputCapture(Consumer<String> live, int cap) {
        this.live = live;
        this.cap = cap;
    }

    /** Runs {@code action} (on JSch's session thread: it must not block) when the stream is closed. */
    void onEnd(Runnable action) {
        onEnd = action;
        if (ended) {
            action.run();
        }
    }

    /** True once the stream was closed: the command's output ended, or its channel closed. */
    boolean ended() {
        return ended;
    }

    @Override
    public void write(int b) {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public synchronized void write(byte[] bytes, int offset, int length) {
        int keep = (int) Math.min(length, Math.max(0, cap - kept.size()));
        kept.write(bytes, offset, keep);
        dropped += length - keep;

        ByteBuffer input = ByteBuffer.allocate(pending.remaining() + length);
        input.put(pending).put(bytes, offset, length).flip();
        CharBuffer chars = CharBuffer.allocate(input.remaining());
        decoder.decode(input, chars, false);
        pending = input.slice();
        forward(chars.flip().toString());
    }

    /** Flushes a trailing partial character (as U+FFFD) to the live output. Call once the stream ended. */
    synchronized void finish() {
        CharBuffer chars = CharBuffer.allocate(pending.remaining() + 2);
        decoder.decode(pending, chars, true);
        decoder.flush(chars);
        pending = ByteBuffer.allocate(0);
        forward(chars.flip().toString());
    }

    /** The kept copy, marked with how much was left out. */
    synchronized String text() {
        byte[] head = kept.toByteArray();
        if (dropped == 0) {
            return new String(head, StandardCharsets.UTF_8);
        }
        int end = completeCharactersEnd(head);
        long truncated = dropped + head.length - end;
        return new String(head, 0, end, StandardCharsets.UTF_8) + "…[truncated " + truncated + " bytes]";
    }

    /** Where the last complete UTF-8 character ends, so that the copy does not end in a broken one. */
    private static int completeCharactersEnd(byte[] bytes) {
        for (int index = bytes.length - 1; index >= Math.max(0, bytes.length - 4); index--) {
            int b = bytes[index] & 0xFF;
            if (b < 0x80) {
                return bytes.length;
            }
            if (b >= 0xC0) {
                int width = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : 2;
                return index + width <= bytes.length ? bytes.length : index;
            }
        }
        return bytes.length;
    }

    /** Total bytes received, kept or not. */
    synchronized long totalBytes() {
        return kept.size() + dropped;
    }

    private void forward(String chunk) {
        if (chunk.isEmpty() || liveBroken) {
            return;
        }
        try {
            live.accept(chunk);
        } catch (RuntimeException ignored) {
            // This runs on JSch's session thread: an exception here would tear down the SSH session of
            // every step of the run. Losing the live view is the lesser harm; the result keeps its copy.
            liveBroken = true;
        }
    }

    /** JSch closes the stream when the command's output ends (EOF) or its channel closes. */
    @Override
    public void close() {
        // The result is read after the channel closed; closing only tells the waiting step to look.
        ended = true;
        onEnd.run();
    }
}
