package com.loginetl.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Samples of a drain (messages done so far, CPU so far), taken every {@link #INTERVAL_MILLIS} ms,
 * and what follows from them. Every drain is measured the same way, over its warm part: from the
 * first sample that shows at least {@code warmFrom} of the {@code expected} messages done (and
 * some progress) to the first that shows all of them done, so the time to start consuming (a JVM,
 * a Spring context) and the coldest JIT are not counted, and both ends are exact to one interval.
 */
final class Timeline {

	static final long INTERVAL_MILLIS = 200;

	private final CpuMeter cpu;

	private final long startNanos;

	private final long expected;

	private final double warmFrom;

	private final List<Sample> samples = new ArrayList<>();

	Timeline(CpuMeter cpu, long startNanos, long expected, double warmFrom) {
		this.cpu = cpu;
		this.startNanos = startNanos;
		this.expected = expected;
		this.warmFrom = warmFrom;
	}

	/**
	 * Samples {@code done} and the CPU, with that of the consumer {@code pid}, until every expected
	 * message is done; {@code between} runs before each sample and may fail the phase, as do the
	 * consumer's exit and the end of {@code timeout} from the start.
	 */
	Timeline sample(long pid, String what, Path log, Duration timeout, Runnable between, LongSupplier done) {
		this.samples.add(new Sample(0, this.cpu.snapshot(pid)));
		while (last().done() < this.expected) {
			sleep(INTERVAL_MILLIS);
			checkRunning(pid, this.startNanos + timeout.toNanos(), what, last().done(), log);
			between.run();
			this.samples.add(new Sample(done.getAsLong(), this.cpu.snapshot(pid)));
		}
		return this;
	}

	Sample first() {
		return this.samples.get(0);
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

	/** The first sample with all messages done, or null when they never were (the window's start is then known too). */
	Sample windowEnd() {
		return this.samples.stream().filter((sample) -> sample.done() >= this.expected).findFirst().orElse(null);
	}

	/**
	 * The first sample at or after the middle of the window, or null when the drain did not finish.
	 * The second half of a drain shows how fast the consumer runs once its JIT has warmed up.
	 */
	Sample windowMiddle() {
		Sample from = windowStart();
		Sample to = windowEnd();
		if (to == null) {
			return null;
		}
		long middle = from.cpu().nanos() + (to.cpu().nanos() - from.cpu().nanos()) / 2;
		return this.samples.stream().filter((sample) -> sample.cpu().nanos() >= middle).findFirst().orElse(to);
	}

	/** Messages done per second within the window; NaN when the drain did not finish. */
	double rate() {
		return rate(windowStart(), windowEnd());
	}

	/** Messages done per second over the second half of the window; NaN when it has no length. */
	double secondHalfRate() {
		return rate(windowMiddle(), windowEnd());
	}

	/** Messages done within the window. */
	long doneInWindow() {
		return (windowEnd() == null) ? 0 : windowEnd().done() - windowStart().done();
	}

	double windowSeconds() {
		return (windowEnd() == null) ? Double.NaN : seconds(windowStart(), windowEnd());
	}

	/** CPU seconds of each process over the window ({@link CpuMeter#split}). */
	Map<String, Double> cpu() {
		return this.cpu.split(windowStart().cpu(), windowEnd().cpu());
	}

	/** The consumer's CPU seconds by thread name over the window. */
	Map<String, Double> threads() {
		return this.cpu.threads(windowStart().cpu(), windowEnd().cpu());
	}

	/** CPU of the consuming process per message done over the window, in µs. */
	double micros() {
		return cpu().get("consumer_s") / doneInWindow() * 1e6;
	}

	/**
	 * The same less the C1 and C2 compiler threads ("C1 CompilerThre", "C2 CompilerThre" in /proc,
	 * digits folded): what the window costs once compilation is over.
	 */
	double microsWithoutJit() {
		double jit = threads().entrySet()
			.stream()
			.filter((thread) -> thread.getKey().contains("CompilerThre"))
			.mapToDouble(Map.Entry::getValue)
			.sum();
		return (cpu().get("consumer_s") - jit) / doneInWindow() * 1e6;
	}

	/** Throughput each second: [seconds since the phase started, messages/s over that second]. */
	List<double[]> perSecond() {
		List<double[]> points = new ArrayList<>();
		Sample previous = this.samples.get(0);
		for (Sample sample : this.samples) {
			double elapsed = seconds(previous, sample);
			if (elapsed >= 0.999) {
				points.add(new double[] { (sample.cpu().nanos() - this.startNanos) / 1e9,
						(sample.done() - previous.done()) / elapsed });
				previous = sample;
			}
		}
		return points;
	}

	private static double rate(Sample from, Sample to) {
		return (from == null || to == null || to == from) ? Double.NaN : (to.done() - from.done()) / seconds(from, to);
	}

	private static double seconds(Sample from, Sample to) {
		return (to.cpu().nanos() - from.cpu().nanos()) / 1e9;
	}

	/** Fails when the process {@code pid} has exited, or {@code deadline} (System.nanoTime()) has passed. */
	static void checkRunning(long pid, long deadline, String what, long done, Path log) {
		if (!ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
			throw new IllegalStateException("The process exited while " + what + "; see " + log);
		}
		if (System.nanoTime() > deadline) {
			throw new IllegalStateException("Time limit reached while " + what + " (" + done + " done); see " + log);
		}
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

	/** Messages done and CPU ticks at one moment. */
	record Sample(long done, CpuMeter.Snapshot cpu) {
	}

}
