/** Which runbooks an alert triggers: the trigger index and the summary of alerts that matched none. */
package dev.quench.core.match;
