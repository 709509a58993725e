/** Small helpers every layer uses: durations, JSON, capped text, did-you-mean suggestions. */
package dev.quench.core.util;
