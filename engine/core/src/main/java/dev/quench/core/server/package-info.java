/** HTTP routes only: webhooks, the API and its authentication translate requests to the engine. */
package dev.quench.core.server;
