package dev.quench.plugin.notify;

/**
 * The {@code notify:} section of {@code quench.yaml}: where {@code notify} steps send what their runbook does not
 * address itself. Immutable.
 *
 * <pre>
 * notify:
 *   pagerdutyEventsUrl: https://events.eu.pagerduty.com/v2/enqueue
 * </pre>
 *
 * @param pagerdutyEventsUrl the PagerDuty Events v2 endpoint of every {@code pagerduty:} step without its own
 *                           {@code eventsUrl}; default {@value NotifyConfig#PAGERDUTY_EVENTS_URL}. An account in
 *                           PagerDuty's EU service region takes {@code https://events.eu.pagerduty.com/v2/enqueue};
 *                           an egress proxy or a test receiver takes its own URL. A site setting rather than a
 *                           runbook param: whoever may start a run must not redirect its pages (and routing key)
 */
public record NotifySettings(String pagerdutyEventsUrl) {

    public NotifySettings {
        pagerdutyEventsUrl = pagerdutyEventsUrl == null || pagerdutyEventsUrl.isBlank()
                ? NotifyConfig.PAGERDUTY_EVENTS_URL : pagerdutyEventsUrl.strip();
        NotifyConfig.checkUrl("notify.pagerdutyEventsUrl", pagerdutyEventsUrl);
    }

    /** The settings used when {@code quench.yaml} has no {@code notify:} section. */
    public static NotifySettings defaults() {
        return new NotifySettings(null);
    }
}
