package dev.quench.plugin.http;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Hides secrets in what the step shows (info lines, failure messages): values of headers and query
 * parameters whose names say they carry credentials. Stateless.
 */
final class Redaction {

    static final String REDACTED = "[redacted]";

    /** Names of headers and query parameters that carry credentials, whatever the API calls them. */
    private static final Pattern SECRET_NAME = Pattern.compile(
            "cookie|set-cookie|signature|sig|.*(auth|token|secret|password|passwd|api[-_]?key|session).*");

    private static final Pattern QUERY_PARAMETER = Pattern.compile("([?&])([^=&#]+)=([^&#]*)");

    private Redaction() {
    }

    /** True when a header or query parameter of this name carries a credential. */
    static boolean isSecretName(String name) {
        return SECRET_NAME.matcher(name.toLowerCase(Locale.ROOT)).matches();
    }

    /** The map with credential values replaced by {@value #REDACTED}. */
    static Map<String, String> values(Map<String, String> values) {
        Map<String, String> shown = new LinkedHashMap<>();
        values.forEach((name, value) -> shown.put(name, isSecretName(name) ? REDACTED : value));
        return shown;
    }

    /** The URL with the values of credential-like query parameters ({@code ?token=...}) redacted. */
    static String url(String url) {
        Matcher matcher = QUERY_PARAMETER.matcher(url);
        StringBuilder shown = new StringBuilder();
        while (matcher.find()) {
            String replacement = isSecretName(matcher.group(2))
                    ? matcher.group(1) + matcher.group(2) + "=" + REDACTED
                    : matcher.group();
            matcher.appendReplacement(shown, Matcher.quoteReplacement(replacement));
        }
        matcher.appendTail(shown);
        return shown.toString();
    }
}
