package com.loginetl.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * Samples of a drain (messages done so far, CPU so far), taken every {@link #INTERVAL_MILLIS} ms,
 * and what follows from them. Every drain is measured the same way, over its warm part: from the
 * first sample that shows at least {@code warmFrom} of the {@code expected} messages done (and
 * some progress) to the first that shows all of them done, so the time to start consuming (a JVM,
 * a Spring context) and the coldest JIT are not counted, and both ends are exact to one interval.
 */
final class Timeline {

	static final long INTERVAL_MILLIS = 200;

	private final long startNanos;

	private final long expected;

	private final List<Sample> samples = new ArrayList<>();

	private final double warmFrom;

	Timeline(long startNanos, long expected) {
		this(startNanos, expected, 0);
	}

	Timeline(long startNanos, long expected, double warmFrom) {
		this.startNanos = startNanos;
		this.expected = expected;
		this.warmFrom = warmFrom;
	}

	void add(long done, CpuMeter.Snapshot cpu) {
		this.samples.add(new Sample(done, cpu));
	}

	boolean complete() {
		return !this.samples.isEmpty() && last().done() >= this.expected;
	}

	Sample last() {
		return this.samples.get(this.samples.size() - 1);
	}

	/** The first sample with progress past {@code warmFrom}, or null when there is none. */
	Sample windowStart() {
		return this.samples.stream()
			.filter((sample) -> sample.done() > 0 && sample.done() >= this.warmFrom * this.expected)
			.findFirst()
			.orElse(null);
	}

	/** The first sample with all messages done, or null when they never were. */
	Sample windowEnd() {
		return this.samples.stream().filter((sample) -> sample.done() >= this.expected).findFirst().orElse(null);
	}

	/** Messages done per second within the window; NaN when the drain did not finish. */
	double rate() {
		Sample from = windowStart();
		Sample to = windowEnd();
		if (from == null || to == null || to == from) {
			return Double.NaN;
		}
		return (to.done() - from.done()) / seconds(from, to);
	}

	/**
	 * The first sample at or after the middle of the window, or null when the drain did not finish.
	 * The second half of a drain shows how fast the consumer runs once its JIT has warmed up.
	 */
	Sample windowMiddle() {
		Sample from = windowStart();
		Sample to = windowEnd();
		if (from == null || to == null) {
			return null;
		}
		long middle = from.cpu().nanos() + (to.cpu().nanos() - from.cpu().nanos()) / 2;
		return this.samples.stream().filter((sample) -> sample.cpu().nanos() >= middle).findFirst().orElse(to);
	}

	/** Messages done per second over the second half of the window; NaN when it has no length. */
	double secondHalfRate() {
		Sample from = windowMiddle();
		Sample to = windowEnd();
		if (from == null || to == null || to == from) {
			return Double.NaN;
		}
		return (to.done() - from.done()) / seconds(from, to);
	}

	/** Messages done within the window. */
	long doneInWindow() {
		Sample from = windowStart();
		Sample to = windowEnd();
		return (from == null || to == null) ? 0 : to.done() - from.done();
	}

	double windowSeconds() {
		Sample from = windowStart();
		Sample to = windowEnd();
		return (from == null || to == null) ? Double.NaN : seconds(from, to);
	}

	/** Seconds from the start of the phase (the drain's first request, or the service's launch). */
	double secondsFromStart(Sample sample) {
		return (sample.cpu().nanos() - this.startNanos) / 1e9;
	}

	/** Throughput each second: [seconds since the phase started, messages/s over that second]. */
	List<double[]> perSecond() {
		List<double[]> points = new ArrayList<>();
		Sample previous = null;
		for (Sample sample : this.samples) {
			if (previous == null) {
				previous = sample;
				continue;
			}
			double elapsed = seconds(previous, sample);
			if (elapsed >= 0.999) {
				points.add(new double[] { secondsFromStart(sample), (sample.done() - previous.done()) / elapsed });
				previous = sample;
			}
		}
		return points;
	}

	private static double seconds(Sample from, Sample to) {
		return (to.cpu().nanos() - from.cpu().nanos()) / 1e9;
	}

	/** Messages done and CPU ticks at one moment. */
	record Sample(long done, CpuMeter.Snapshot cpu) {
	}

	/** Sleeps between samples, and wherever the benchmark polls. */
	static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}
