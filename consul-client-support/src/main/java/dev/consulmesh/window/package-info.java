/**
 * Counts over sliding windows of time, lock-free: one ring ({@link dev.consulmesh.window.SlidingWindow})
 * behind every windowed figure of the call path, and latency histograms kept in it.
 */
package dev.consulmesh.window;
