package dev.quench.plugin.prometheus;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.WriteStream;

/**
 * Receives Prometheus's answer up to a limit and refuses the rest, so a query matching millions of series cannot
 * exhaust the engine's memory (a cut JSON answer would be useless, so it fails instead of truncating). Written by
 * the event loop, read by the step's thread once the response completed.
 */
final class LimitedBody implements WriteStream<Buffer> {

    /** Thrown into the response when the answer passes the limit. */
    static final class TooLarge extends RuntimeException {
        TooLarge(int limit) {
            super("the answer is larger than " + limit + " bytes", null, false, false);
        }
    }

    private final int limit;
    private final Buffer kept = Buffer.buffer();

    LimitedBody(int limit) {
        this.limit = limit;
    }

    @Override
    public synchronized Future<Void> write(Buffer data) {
        if (kept.length() + data.length() > limit) {
            return Future.failedFuture(new TooLarge(limit));
        }
        kept.appendBuffer(data);
        return Future.succeededFuture();
    }

    synchronized Buffer body() {
        return kept.copy();
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
        return false;
    }

    @Override
    public WriteStream<Buffer> drainHandler(Handler<Void> handler) {
        return this;
    }
}
