/** What an alert is and where one is parsed: the Alertmanager, Grafana, PagerDuty and generic payloads, RFC 3339 times, limits, sample alert files. */
package dev.quench.core.alert;
