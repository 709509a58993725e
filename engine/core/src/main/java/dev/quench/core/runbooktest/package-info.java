/** Runbook tests ({@code *.test.yaml}): sample alert in, expected plan and outcome out. */
package dev.quench.core.runbooktest;
