package dev.quench.plugin.http;

import dev.quench.api.StepOutput;
import dev.quench.api.StepResult;
import dev.quench.api.StepStatus;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Turns an HTTP response into the step's result: status check, capped body, headers, JSON. Stateless. */
final class ResponseReader {

    /** The body shown as stdout is cut here: run history keeps it, and pages of HTML help no one. */
    static final int STDOUT_LIMIT_BYTES = 64 * 1024;

    /** How much body a failure message quotes. */
    static final int MESSAGE_BODY_CHARS = 200;

    private ResponseReader() {
    }

    static StepResult read(String target, HttpRequestConfig config, HttpResponse<Void> response, CappedBody body,
                           StepOutput output) {
        int status = response.statusCode();
        String contentType = response.getHeader("content-type");
        byte[] kept = body.bytes();
        Charset charset = charsetOf(contentType);
        String stdout = stdout(kept, body.totalBytes(), charset);

        Map<String, Object> outputs = new LinkedHashMap<>();
        outputs.put("status", status);
        outputs.put("headers", firstValues(response.headers()));
        String notJson = null;
        if ((isJson(contentType) || config.expectJson()) && kept.length > 0) {
            if (body.overflowed()) {
                notJson = "the response has " + body.totalBytes() + " bytes, more than the " + kept.length
                        + " kept (http.maxResponseBytes), so it is not read as JSON";
                output.info("the JSON response has " + body.totalBytes() + " bytes, more than the "
                        + kept.length + " kept (http.maxResponseBytes): outputs.json is not set");
            } else {
                try {
                    Object json = plain(Json.decodeValue(Buffer.buffer(kept)));
                    if (json != null) {
                        outputs.put("json", JsonValues.immutableCopy(json));
                    }
                } catch (DecodeException e) {
                    // Not a failure unless expectJson: the status decides success. Later steps get no outputs.json.
                    notJson = "its body is not valid JSON (" + firstLine(e.getMessage()) + ")";
                    output.info("the response says " + contentType + " but " + notJson + ": outputs.json is not set");
                }
            }
        } else if (config.expectJson()) {
            notJson = "its body is empty";
        }

        String statusText = status + (response.statusMessage() == null || response.statusMessage().isBlank()
                ? "" : " " + response.statusMessage());
        if (config.isExpected(status) && config.expectJson() && notJson != null) {
            String message = target + " answered " + statusText + " but " + notJson + ", and this step sets"
                    + " expectJson: true (later steps read its outputs.json). Quench stopped here; check what the"
                    + " server sends for this URL (content type: " + (contentType == null ? "none" : contentType) + ")";
            String excerpt = excerpt(stdout);
            return new StepResult(StepStatus.FAILED, status, stdout, "", outputs,
                    excerpt.isEmpty() ? message : message + ": " + excerpt);
        }
        if (config.isExpected(status)) {
            return new StepResult(StepStatus.SUCCEEDED, status, stdout, "", outputs, "");
        }
        String message = target + " answered " + statusText + " (expected " + config.expectedStatusText() + ")";
        String excerpt = excerpt(stdout);
        if (!excerpt.isEmpty()) {
            message += ": " + excerpt;
        }
        return new StepResult(StepStatus.FAILED, status, stdout, "", outputs, message);
    }

    static boolean isJson(String contentType) {
        if (contentType == null) {
            return false;
        }
        String mediaType = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        return mediaType.equals("application/json") || mediaType.endsWith("+json");
    }

    private static String stdout(byte[] kept, long totalBytes, Charset charset) {
        int shown = Math.min(kept.length, STDOUT_LIMIT_BYTES);
        if (charset.equals(StandardCharsets.UTF_8)) {
            // Do not cut a multi-byte character in half: back up to the start of the character.
            while (shown > 0 && shown < kept.length && (kept[shown] & 0xC0) == 0x80) {
                shown--;
            }
        }
        String text = new String(kept, 0, shown, charset);
        long dropped = totalBytes - shown;
        return dropped > 0 ? text + "…[truncated " + dropped + " bytes]" : text;
    }

    private static Charset charsetOf(String contentType) {
        if (contentType != null) {
            for (String parameter : contentType.split(";")) {
                String[] pair = parameter.trim().split("=", 2);
                if (pair.length == 2 && pair[0].trim().equalsIgnoreCase("charset")) {
                    try {
                        return Charset.forName(pair[1].trim().replace("\"", ""));
                    } catch (IllegalArgumentException ignored) {
                        // An unknown charset is the server's mistake; UTF-8 shows most of such bodies well.
                    }
                }
            }
        }
        return StandardCharsets.UTF_8;
    }

    private static Map<String, String> firstValues(MultiMap headers) {
        Map<String, String> first = new LinkedHashMap<>();
        headers.forEach(entry -> first.putIfAbsent(entry.getKey().toLowerCase(Locale.ROOT), entry.getValue()));
        return first;
    }

    private static String excerpt(String body) {
        String flat = body.strip().replaceAll("\\s+", " ");
        return flat.length() <= MESSAGE_BODY_CHARS ? flat : flat.substring(0, MESSAGE_BODY_CHARS) + "…";
    }

    private static String firstLine(String text) {
        if (text == null) {
            return "unreadable";
        }
        int newline = text.indexOf('\n');
        return newline < 0 ? text : text.substring(0, newline);
    }

    /** Vert.x JSON types to plain maps and lists, which expressions in later steps can navigate. */
    private static Object plain(Object value) {
        if (value instanceof JsonObject object) {
            return plain(object.getMap());
        }
        if (value instanceof JsonArray array) {
            return plain(array.getList());
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> copy = new LinkedHashMap<>();
            map.forEach((key, item) -> copy.put(String.valueOf(key), plain(item)));
            return copy;
        }
        if (value instanceof List<?> list) {
            List<Object> copy = new ArrayList<>(list.size());
            list.forEach(item -> copy.add(plain(item)));
            return copy;
        }
        return value;
    }
}
