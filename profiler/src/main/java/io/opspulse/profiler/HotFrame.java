package io.opspulse.profiler;

/**
 * A frame that was on top of the stack for a share of a profile's weight: for CPU, the share of
 * samples taken while that method itself was running (its "self" time).
 *
 * @param frame {@code package.Class.method}
 * @param weight the weight of the stacks whose top frame this is
 * @param ratio that weight over the profile's total, from 0 to 1
 */
public record HotFrame(String frame, long weight, double ratio) {}
