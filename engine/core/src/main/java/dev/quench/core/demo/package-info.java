/** {@code quench demo}: the whole loop on this machine against a sandbox it creates. */
package dev.quench.core.demo;
