package dev.quench.plugin.http;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.WriteStream;
import java.util.concurrent.CancellationException;

/**
 * Receives a response body, keeping its first bytes and counting the rest, so that a huge answer
 * cannot exhaust the engine's memory. Written by the event loop, read by the step's thread once the
 * response future completed; methods are synchronized because those are different threads.
 */
final class CappedBody implements WriteStream<Buffer> {

    private final int limit;
    private final Buffer kept = Buffer.buffer();
    private long totalBytes;
    private volatile boolean aborted;

    CappedBody(int limit) {
        this.limit = limit;
    }

    /** Makes further writes fail, which stops Vert.x from reading the rest of the body. */
    void abort() {
        aborted = true;
    }

    @Override
    public synchronized Future<Void> write(Buffer data) {
        if (aborted) {
            return Future.failedFuture(new CancellationException("step cancelled while reading the response"));
        }
        totalBytes += data.length();
        int room = limit - kept.length();
        if (room > 0) {
            kept.appendBuffer(data, 0, Math.min(room, data.length()));
        }
        return Future.succeededFuture();
    }

    /** The bytes kept, at most the limit. */
    synchronized byte[] bytes() {
        return kept.getBytes();
    }

    /** How many bytes the body had, kept or not. */
    synchronized long totalBytes() {
        return totalBytes;
    }

    /** True when the body was longer than the limit. */
    synchronized boolean overflowed() {
        return totalBytes > kept.length();
    }

    @Override
    public Future<Void> end() {
        return Future.succeededFuture();
    }

    @Override
    public WriteStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
        return this;
    }

    @Override
    public WriteStream<Buffer> setWriteQueueMaxSize(int maxSize) {
        return this;
    }

    @Override
    public boolean writeQueueFull() {
        // Writes complete at once: memory is bounded by the limit, not by a queue.
        return false;
    }

    @Override
    public WriteStream<Buffer> drainHandler(Handler<Void> handler) {
        return this;
    }
}
