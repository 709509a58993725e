/** Intake between the webhook routes and the store: the intake gate, group commit, the journal expander, ingest settings and counters. The SQL it needs lives in the store package. */
package dev.quench.core.ingest;
