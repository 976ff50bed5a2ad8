package io.opspulse.gpu;

/**
 * Memory rows an Ampere-or-newer GPU replaced with spare rows after errors
 * (nvmlDeviceGetRemappedRows).
 *
 * @param pending a remap waits for a GPU reset to take effect
 * @param failed a remap failed: no spare rows were left
 */
public record RemappedRows(long correctable, long uncorrectable, boolean pending, boolean failed) {}
