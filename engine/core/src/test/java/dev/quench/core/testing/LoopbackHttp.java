package dev.quench.core.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * One HTTP/1.1 request from a chosen loopback address ({@code 127.0.0.N}: Linux answers the whole
 * 127/8), so a test can play several clients the server tells apart by address.
 */
public final class LoopbackHttp {

    /** The answer: its status and body text. */
    public record Answer(int status, String body) {
    }

    private LoopbackHttp() {
    }

    public static Answer send(int port, String from, String method, String path, String token, String body)
            throws IOException {
        byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        try (Socket socket = new Socket()) {
            socket.bind(new InetSocketAddress(from, 0));
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            socket.setSoTimeout(20_000);
            StringBuilder head = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Connection: close\r\n");
            if (token != null) {
                head.append("Authorization: Bearer ").append(token).append("\r\n");
            }
            if (body != null) {
                head.append("Content-Type: application/json\r\nContent-Length: ").append(bytes.length).append("\r\n");
            }
            head.append("\r\n");
            socket.getOutputStream().write(head.toString().getBytes(StandardCharsets.UTF_8));
            socket.getOutputStream().write(bytes);
            socket.getOutputStream().flush();
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            InputStream in = socket.getInputStream();
            in.transferTo(answer);
            return parse(answer.toString(StandardCharsets.UTF_8));
        }
    }

    private static Answer parse(String raw) {
        if (!raw.startsWith("HTTP/1.1 ")) {
            return new Answer(-1, raw);
        }
        int status = Integer.parseInt(raw.substring(9, 12));
        int split = raw.indexOf("\r\n\r\n");
        String headers = raw.substring(0, split).toLowerCase(Locale.ROOT);
        String body = raw.substring(split + 4);
        if (headers.contains("transfer-encoding: chunked")) {
            StringBuilder joined = new StringBuilder();
            int at = 0;
            while (true) {
                int lineEnd = body.indexOf("\r\n", at);
                int size = Integer.parseInt(body.substring(at, lineEnd).strip(), 16);
                if (size == 0) {
                    break;
                }
                joined.append(body, lineEnd + 2, lineEnd + 2 + size);
                at = lineEnd + 2 + size + 2;
            }
            body = joined.toString();
        }
        return new Answer(status, body);
    }
}
