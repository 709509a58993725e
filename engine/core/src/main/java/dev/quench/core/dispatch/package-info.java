/** Turns an alert, a schedule fire or a manual request into a run: the runbook registry and its hot reload, the dispatcher, the alert lifecycle. */
package dev.quench.core.dispatch;
