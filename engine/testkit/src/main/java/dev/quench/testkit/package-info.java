/**
 * The Quench test kit: real stand-ins for what the engine gives a step plugin, so that a plugin's
 * tests run it the way the engine does without starting the engine. {@link dev.quench.testkit.StepTestContext}
 * is the step's context, {@link dev.quench.testkit.TestPluginEnvironment} its start-up environment and
 * {@link dev.quench.testkit.LoopbackSshServer} a real SSH server on 127.0.0.1 that runs commands with
 * {@code /bin/sh -c}; {@link dev.quench.testkit.OpenSshServer} is Debian's real OpenSSH daemon, and
 * {@link dev.quench.testkit.PeerProcess}, {@link dev.quench.testkit.PrometheusProcess} and
 * {@link dev.quench.testkit.AlertmanagerProcess} start other real peer binaries (Debian's Prometheus and
 * Alertmanager) on loopback ports. Nothing here mocks: output is recorded, cancellation really fires, resources
 * are really closed.
 */
package dev.quench.testkit;
