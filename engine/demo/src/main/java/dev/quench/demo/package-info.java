/**
 * {@code quench demo}: the whole loop on this machine against a sandbox it creates, with the test
 * kit's SSH server on loopback standing in for a host. A module of its own so that engine/core's
 * runtime carries no test server; the distribution ships it.
 */
package dev.quench.demo;
