/** The {@code quench} command line. */
package dev.quench.core.cli;
