package dev.quench.plugin.http;

/** The one-line description of a request shown in the step's output, with secrets redacted. Stateless. */
final class RequestDescription {

    private RequestDescription() {
    }

    static String of(HttpRequestConfig config) {
        StringBuilder line = new StringBuilder(config.method()).append(' ').append(Redaction.url(config.url()));
        if (!config.query().isEmpty()) {
            line.append(" query ").append(Redaction.values(config.query()));
        }
        if (!config.headers().isEmpty()) {
            line.append(" headers ").append(Redaction.values(config.headers()));
        }
        if (config.bearerToken() != null) {
            line.append(" with bearer token ").append(Redaction.REDACTED);
        }
        if (config.basicAuth() != null) {
            line.append(" as user ").append(config.basicAuth().user()).append(" (basic auth, password ")
                    .append(Redaction.REDACTED).append(')');
        }
        if (config.json() != null) {
            line.append(" with a JSON body");
        } else if (config.body() != null) {
            line.append(" with a ").append(config.body().length()).append("-character body");
        }
        if (config.timeout() != null) {
            line.append(", timeout ").append(config.timeout().toMillis()).append(" ms");
        }
        return line.toString();
    }
}
