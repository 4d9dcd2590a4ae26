package com.loginetl.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where the service's Java threads spend their CPU in a window, from the execution samples of a
 * Flight Recorder file: the top frames (self time), their packages, the service's own methods on
 * the stack (inclusive), and the sampled threads. JIT compiler and GC threads are not sampled;
 * the thread CPU split from /proc shows those.
 */
final class JfrProfile {

	private static final int TOP = 15;

	private JfrProfile() {
	}

	/** A text report of the samples taken between {@code from} and {@code to}. */
	static String summarize(Path recording, Instant from, Instant to) throws IOException {
		Map<String, Integer> self = new HashMap<>();
		Map<String, Integer> packages = new HashMap<>();
		Map<String, Integer> ours = new HashMap<>();
		Map<String, Integer> threads = new HashMap<>();
		int samples = 0;
		for (RecordedEvent event : RecordingFile.readAllEvents(recording)) {
			if (!event.getEventType().getName().equals("jdk.ExecutionSample") || event.getStartTime().isBefore(from)
					|| event.getStartTime().isAfter(to)) {
				continue;
			}
			RecordedStackTrace stack = event.getStackTrace();
			if (stack == null || stack.getFrames().isEmpty()) {
				continue;
			}
			samples++;
			List<RecordedFrame> frames = stack.getFrames();
			String top = method(frames.get(0));
			self.merge(top, 1, Integer::sum);
			packages.merge(packageOf(frames.get(0).getMethod().getType().getName()), 1, Integer::sum);
			Set<String> seen = new HashSet<>();
			for (RecordedFrame frame : frames) {
				String method = method(frame);
				if (method.startsWith("com.loginetl.") && seen.add(method)) {
					ours.merge(method, 1, Integer::sum);
				}
			}
			RecordedThread thread = event.getThread("sampledThread");
			String name = (thread != null && thread.getJavaName() != null) ? thread.getJavaName() : "?";
			threads.merge(name.replaceAll("[0-9]+", "#"), 1, Integer::sum);
		}
		StringBuilder report = new StringBuilder();
		report.append(String.format(Locale.ROOT, "%d execution samples between %s and %s (%s)%n", samples, from, to,
				recording));
		section(report, "top frames (self)", self, samples);
		section(report, "packages of the top frame", packages, samples);
		section(report, "login-etl methods on the stack (inclusive)", ours, samples);
		section(report, "sampled threads", threads, samples);
		return report.toString();
	}

	private static void section(StringBuilder report, String title, Map<String, Integer> counts, int samples) {
		report.append(String.format(Locale.ROOT, "%n  %s%n", title));
		report.append(counts.entrySet()
			.stream()
			.sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
			.limit(TOP)
			.map((entry) -> String.format(Locale.ROOT, "    %5.1f%%  %s", 100.0 * entry.getValue() / samples,
					entry.getKey()))
			.collect(Collectors.joining(System.lineSeparator())));
		report.append(System.lineSeparator());
	}

	private static String method(RecordedFrame frame) {
		return frame.getMethod().getType().getName() + "." + frame.getMethod().getName();
	}

	// the first three parts of a class's package: org.postgresql.core, software.amazon.awssdk
	private static String packageOf(String className) {
		String[] parts = className.split("\\.");
		int keep = Math.min(3, Math.max(1, parts.length - 1));
		return String.join(".", Arrays.copyOf(parts, keep));
	}

}
