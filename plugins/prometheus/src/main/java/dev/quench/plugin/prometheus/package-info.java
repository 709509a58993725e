/** The {@code prometheus.query} step: an instant PromQL query with an expectation, polled until a deadline. */
package dev.quench.plugin.prometheus;
