package dev.quench.runbooks;

import dev.quench.testkit.PeerProcess;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's real {@code redis-server} for a test: its own process on a free loopback port, with a password, no
 * persistence and its files in a temp directory. The test talks to it over RESP (a few lines here: no client
 * library, so the runbook's redis-cli is the only Redis tool in play). Stopped by {@code SHUTDOWN NOSAVE}, then by
 * its process handle. Not thread-safe.
 */
final class LocalRedisServer implements AutoCloseable {

    static final Path REDIS_SERVER = Path.of("/usr/bin/redis-server");
    static final Path REDIS_CLI = Path.of("/usr/bin/redis-cli");

    private final Process process;
    private final int port;
    private final String password;
    private final Path log;

    private LocalRedisServer(Process process, int port, String password, Path log) {
        this.process = process;
        this.port = port;
        this.password = password;
        this.log = log;
    }

    /** Whether Debian's redis-server and redis-cli (packages redis-server, redis-tools) are installed. */
    static boolean installed() {
        return Files.isExecutable(REDIS_SERVER) && Files.isExecutable(REDIS_CLI);
    }

    /**
     * Starts redis-server in {@code directory} with {@code databases} logical databases (0 to databases - 1) and
     * returns once it answers PING.
     *
     * @throws AssertionError with its log when it exits or does not answer within 20 s
     */
    static LocalRedisServer start(Path directory, String password, int databases) throws IOException, InterruptedException {
        int port = PeerProcess.freePort();
        Path log = directory.resolve("redis.log");
        Process process = new ProcessBuilder(REDIS_SERVER.toString(), "--port", String.valueOf(port),
                "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", directory.toString(),
                "--requirepass", password, "--databases", String.valueOf(databases))
                .directory(directory.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        LocalRedisServer server = new LocalRedisServer(process, port, password, log);
        Instant deadline = Instant.now().plusSeconds(20);
        while (true) {
            try {
                if ("PONG".equals(server.call(0, "PING"))) {
                    return server;
                }
            } catch (IOException notYet) {
                // Not listening yet: try again until the deadline.
            }
            if (!process.isAlive() || Instant.now().isAfter(deadline)) {
                server.close();
                throw new AssertionError("redis-server did not answer PING on port " + port + ":\n" + server.log());
            }
            Thread.sleep(50);
        }
    }

    /** {@code 127.0.0.1:PORT}, as an alert's instance label names it. */
    String instance() {
        return "127.0.0.1:" + port;
    }

    /** Writes {@code count} keys {@code prefix0 .. prefixN} into database {@code db}, in one MSET. */
    void fill(int db, String prefix, int count) throws IOException {
        List<String> command = new ArrayList<>(List.of("MSET"));
        for (int i = 0; i < count; i++) {
            command.add(prefix + i);
            command.add("value " + i);
        }
        String answer = call(db, command.toArray(String[]::new));
        if (!"OK".equals(answer)) {
            throw new AssertionError("MSET into db " + db + " answered " + answer);
        }
    }

    /** The number of keys in database {@code db}. */
    long dbSize(int db) throws IOException {
        return Long.parseLong(call(db, "DBSIZE"));
    }

    /**
     * Runs one command on database {@code db} in a connection of its own (AUTH, SELECT, the command) and returns
     * the reply as text: a status or bulk string, an integer, or {@code ERR ...} for an error.
     */
    String call(int db, String... command) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            InputStream in = new BufferedInputStream(socket.getInputStream());
            String auth = send(out, in, "AUTH", password);
            if (!"OK".equals(auth)) {
                throw new IOException("AUTH answered " + auth);
            }
            String select = send(out, in, "SELECT", String.valueOf(db));
            if (!"OK".equals(select)) {
                throw new IOException("SELECT " + db + " answered " + select);
            }
            return send(out, in, command);
        }
    }

    private static String send(OutputStream out, InputStream in, String... command) throws IOException {
        ByteArrayOutputStream request = new ByteArrayOutputStream();
        request.writeBytes(("*" + command.length + "\r\n").getBytes(StandardCharsets.UTF_8));
        for (String argument : command) {
            byte[] bytes = argument.getBytes(StandardCharsets.UTF_8);
            request.writeBytes(("$" + bytes.length + "\r\n").getBytes(StandardCharsets.UTF_8));
            request.writeBytes(bytes);
            request.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
        }
        out.write(request.toByteArray());
        out.flush();
        String line = line(in);
        return switch (line.charAt(0)) {
            case '+', ':', '-' -> line.substring(1);
            case '$' -> {
                int length = Integer.parseInt(line.substring(1));
                if (length < 0) {
                    yield null;
                }
                byte[] bytes = in.readNBytes(length + 2);
                yield new String(bytes, 0, length, StandardCharsets.UTF_8);
            }
            default -> throw new IOException("unexpected RESP reply: " + line);
        };
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int previous = -1;
        while (true) {
            int next = in.read();
            if (next < 0) {
                throw new IOException("redis-server closed the connection");
            }
            if (previous == '\r' && next == '\n') {
                byte[] bytes = line.toByteArray();
                return new String(bytes, 0, bytes.length - 1, StandardCharsets.UTF_8);
            }
            line.write(next);
            previous = next;
        }
    }

    /** The server's own log, for failure messages. */
    String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no log of redis-server: " + e + ")";
        }
    }

    @Override
    public void close() throws InterruptedException {
        try {
            call(0, "SHUTDOWN", "NOSAVE");
        } catch (IOException ignored) {
            // SHUTDOWN closes the connection without a reply; a server that is gone already is what we want.
        }
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroy();
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
    }
}
