/** Small helpers every layer uses: durations, JSON, terminal text, did-you-mean suggestions. */
package dev.quench.core.util;
