/** Plain-text renderings of runs and the toil report, for the command line and the demo. */
package dev.quench.core.cli.print;
