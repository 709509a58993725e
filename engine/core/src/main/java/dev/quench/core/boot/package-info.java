/** The composition root: wires the store, plugins, runbooks, dispatcher, scheduler and HTTP server into a running engine. Only the entry points (cli, demo) import it. */
package dev.quench.core.boot;
