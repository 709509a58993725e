package dev.quench.core.server;

import dev.quench.core.alert.PayloadException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Locale;
import java.util.zip.GZIPInputStream;

/**
 * The {@code Content-Encoding} of a webhook body: none ({@code identity}) or gzip. A gzip body is
 * unpacked with the same limit as a plain one, so a small compressed body cannot unpack into an
 * unbounded one. Thread-safe (stateless).
 */
final class ContentEncoding {

    /** The body unpacks to more than the limit: answered 413. */
    static final class TooLargeException extends Exception {

        private static final long serialVersionUID = 1L;

        TooLargeException(String message) {
            super(message);
        }
    }

    private ContentEncoding() {
    }

    /** True for the encodings Quench reads: none, {@code identity}, {@code gzip} ({@code x-gzip}). */
    static boolean supported(String header) {
        return header == null || gzip(header) || normal(header).isEmpty() || normal(header).equals("identity");
    }

    /**
     * The body as the sender meant it.
     *
     * @throws PayloadException      when the header says gzip and the body is not gzip data
     * @throws TooLargeException     when the body unpacks to more than {@code limit} bytes
     */
    static byte[] decode(String header, byte[] body, long limit) throws PayloadException, TooLargeException {
        if (header == null || !gzip(header)) {
            return body;
        }
        if (body.length < 2 || (body[0] & 0xff) != 0x1f || (body[1] & 0xff) != 0x8b) {
            throw new PayloadException("Content-Encoding says gzip but the body is not gzip data: send it compressed, "
                    + "or without the header");
        }
        ByteArrayOutputStream unpacked = new ByteArrayOutputStream(Math.min(body.length * 4, 1 << 20));
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
            byte[] buffer = new byte[64 * 1024];
            int read;
            while ((read = in.read(buffer)) >= 0) {
                if (unpacked.size() + (long) read > limit) {
                    throw new TooLargeException("the gzip body unpacks to more than " + limit
                            + " bytes (ingest.webhookBodyLimit)");
                }
                unpacked.write(buffer, 0, read);
            }
        } catch (IOException e) {
            throw new PayloadException("the gzip body is damaged (" + e.getMessage() + "): nothing of it was recorded", e);
        }
        return unpacked.toByteArray();
    }

    private static boolean gzip(String header) {
        String value = normal(header);
        return value.equals("gzip") || value.equals("x-gzip");
    }

    private static String normal(String header) {
        return header.strip().toLowerCase(Locale.ROOT);
    }
}
