package dev.quench.plugin.notify;

import dev.quench.api.Required;
import dev.quench.api.StepDoc;
import dev.quench.api.StepField;
import java.net.URI;
import java.util.Locale;
import java.util.Set;

/**
 * The {@code with:} block of a {@code notify} step: a message to a Slack-compatible incoming webhook
 * ({@code slack:} and {@code text:}), or a PagerDuty Events v2 event ({@code pagerduty: trigger} or
 * {@code resolve}). Exactly one of {@code slack} and {@code pagerduty} is given.
 *
 * @param slack          the incoming-webhook URL (Slack, Mattermost, Rocket.Chat take the same JSON)
 * @param text           the message text, for {@code slack}
 * @param pagerduty      {@code trigger} or {@code resolve}
 * @param routingKeyFile a file holding the PagerDuty integration (routing) key
 * @param routingKeyEnv  an environment variable holding the routing key, when there is no file
 * @param summary        what is wrong, for {@code trigger} (PagerDuty shows it as the incident title)
 * @param severity       {@code critical}, {@code error}, {@code warning} or {@code info}; null means error
 * @param source         the affected system, for {@code trigger}; null means "quench"
 * @param dedupKey       groups trigger and resolve of one problem; required for {@code resolve}
 * @param eventsUrl      the Events v2 endpoint; null means {@code notify.pagerdutyEventsUrl} of quench.yaml, else
 *                       {@value #PAGERDUTY_EVENTS_URL}
 */
@StepDoc(summary = """
        A message to a Slack-compatible incoming webhook (Slack, Mattermost, Rocket.Chat), or a PagerDuty Events v2 \
        event: exactly one of `slack` and `pagerduty`.""",
        example = """
                - id: page
                  uses: notify
                  with:
                    pagerduty: trigger
                    routingKeyFile: /etc/quench/pagerduty.key
                    summary: "disk cleanup failed on ${{ alert.labels.instance }}"
                    dedupKey: disk-${{ alert.labels.instance }}
                    severity: critical
                  retry: {attempts: 3, delay: 1s, backoff: 2}
                """,
        notes = """
                It sends once. A 429, a 5xx or a refused connection fails the step as retryable, so give a page a \
                `retry:` (like `retry: {attempts: 3, delay: 1s, backoff: 2}`); a 400 or 404 is not retried.""")
public record NotifyConfig(
        @Required(or = "pagerduty", example = "slack: https://hooks.slack.com/services/…")
        @StepField(description = "the incoming-webhook URL (Slack, Mattermost, Rocket.Chat take the same JSON)")
        String slack,
        @StepField(description = "the message text; required with `slack`") String text,
        @StepField(description = "`trigger` or `resolve`") String pagerduty,
        @StepField(description = "a file holding the PagerDuty integration (routing) key; with `pagerduty`, this or "
                + "`routingKeyEnv`") String routingKeyFile,
        @StepField(description = "an environment variable holding the routing key; with `pagerduty`, this or "
                + "`routingKeyFile`") String routingKeyEnv,
        @StepField(description = "the incident title; required with `pagerduty: trigger`") String summary,
        @StepField(description = "`critical`, `error`, `warning` or `info`", defaultValue = "error") String severity,
        @StepField(description = "the affected system, for `trigger`", defaultValue = "quench") String source,
        @StepField(description = "groups the trigger and resolve of one problem; required with `pagerduty: resolve`")
        String dedupKey,
        @StepField(description = "the Events v2 endpoint", whenAbsent = "`notify.pagerdutyEventsUrl` of quench.yaml, "
                + "else `" + NotifyConfig.PAGERDUTY_EVENTS_URL + "`")
        String eventsUrl) {

    public static final String PAGERDUTY_EVENTS_URL = "https://events.pagerduty.com/v2/enqueue";
    static final Set<String> SEVERITIES = Set.of("critical", "error", "warning", "info");

    public NotifyConfig {
        slack = blankToNull(slack);
        pagerduty = blankToNull(pagerduty);
        if ((slack == null) == (pagerduty == null)) {
            throw new IllegalArgumentException(slack == null
                    ? "notify needs slack (a webhook URL, with text) or pagerduty (trigger or resolve)"
                    : "give only one of slack and pagerduty: use two notify steps to send both");
        }
        if (slack != null) {
            checkUrl("slack", slack);
            if (blankToNull(text) == null) {
                throw new IllegalArgumentException("text is required with slack: the message to post");
            }
        } else {
            pagerduty = pagerduty.toLowerCase(Locale.ROOT);
            if (!pagerduty.equals("trigger") && !pagerduty.equals("resolve")) {
                throw new IllegalArgumentException("pagerduty must be trigger or resolve, got " + pagerduty);
            }
            if (blankToNull(routingKeyFile) == null && blankToNull(routingKeyEnv) == null) {
                throw new IllegalArgumentException("pagerduty needs routingKeyFile (a file holding the integration key)"
                        + " or routingKeyEnv (an environment variable holding it)");
            }
            if (pagerduty.equals("trigger") && blankToNull(summary) == null) {
                throw new IllegalArgumentException("summary is required for pagerduty: trigger (the incident title)");
            }
            if (pagerduty.equals("resolve") && blankToNull(dedupKey) == null) {
                throw new IllegalArgumentException("dedupKey is required for pagerduty: resolve (the key the trigger used)");
            }
            severity = severity == null ? null : severity.toLowerCase(Locale.ROOT);
            if (severity != null && !SEVERITIES.contains(severity)) {
                throw new IllegalArgumentException("severity must be critical, error, warning or info, got " + severity);
            }
            if (eventsUrl != null) {
                checkUrl("eventsUrl", eventsUrl);
            }
        }
    }

    /** A Slack-compatible webhook message. */
    public static NotifyConfig slack(String webhook, String text) {
        return new NotifyConfig(webhook, text, null, null, null, null, null, null, null, null);
    }

    String severityOrDefault() {
        return severity == null ? "error" : severity;
    }

    String sourceOrDefault() {
        return source == null || source.isBlank() ? "quench" : source;
    }

    static void checkUrl(String name, String value) {
        URI uri;
        try {
            uri = URI.create(value.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + " is not a URL (" + e.getMessage() + ")", e);
        }
        if (!"https".equals(uri.getScheme()) && !"http".equals(uri.getScheme())) {
            throw new IllegalArgumentException(name + " must be an https:// URL");
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }
}
