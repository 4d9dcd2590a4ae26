package com.loginetl.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What one benchmark run does, from {@code -Dbench.*} system properties (the {@code bench} Maven
 * profile passes them on; bench/README.md describes each).
 *
 * @param messages messages of each drain that are measured, (a), (b) and (c)
 * @param warmUp messages each contender drains in the same process before them, not measured
 * @param runs how many times the whole sequence is repeated
 * @param pollers receive loops of the raw drain; 0 means as many as the service polls with
 * @param serviceJvmOptions JVM options of the service process (the heap cap among them)
 * @param steadyRate messages per second of the paced producer
 * @param steadySeconds how long the paced producer sends
 * @param timeout limit of each phase (preload, drain, steady load, start, stop)
 * @param jfr whether the draining service records a Flight Recorder profile
 * @param outputDir where results, charts, logs and recordings go
 * @param serviceVariants further service contenders, each the service variables it adds, by a name
 * @param runtimes the JDKs the service contender runs on, the first one (b)'s; the loops, the
 * variants, ElasticMQ and the benchmark itself stay on the running JDK
 */
record BenchSettings(int messages, int warmUp, int runs, int pollers, List<String> serviceJvmOptions, int steadyRate,
		int steadySeconds, Duration timeout, boolean jfr, Path outputDir, Map<String, Map<String, String>> serviceVariants,
		List<JavaRuntime> runtimes) {

	/** Threads that preload the queue with SendMessageBatch. */
	static final int SENDER_THREADS = 4;

	static BenchSettings fromSystemProperties() {
		BenchSettings settings = new BenchSettings(intProperty("bench.messages", 100_000),
				intProperty("bench.warmUp", 100_000),
				intProperty("bench.runs", 1), intProperty("bench.pollers", 0),
				Arrays.stream(System.getProperty("bench.serviceJvmOptions", "-Xmx256m").trim().split("\\s+"))
					.filter((option) -> !option.isEmpty())
					.toList(),
				intProperty("bench.steadyRate", 1_000), intProperty("bench.steadySeconds", 30),
				Duration.ofSeconds(intProperty("bench.timeoutSeconds", 600)),
				Boolean.parseBoolean(System.getProperty("bench.jfr", "false")),
				Path.of(System.getProperty("bench.outputDir", "target/bench")),
				variants(System.getProperty("bench.serviceVariants", "")),
				JavaRuntime.parse(System.getProperty("bench.java", "")));
		settings.validate();
		return settings;
	}

	/** Messages preloaded for each drain: the warm-up and then the measured ones, in one queue. */
	int preloaded() {
		return this.warmUp + this.messages;
	}

	/**
	 * Where each drain's window starts, as a share of the preloaded messages: after the warm-up
	 * and the first {@link #WINDOW_FROM} of the measured messages.
	 */
	double windowFrom() {
		return (this.warmUp + WINDOW_FROM * this.messages) / preloaded();
	}

	/** The share of the measured messages done before the window starts (without a warm-up, the JVM's start). */
	static final double WINDOW_FROM = 0.2;

	/** The {@code -Xmx} option given to the service, or "JVM default" when there is none. */
	String heapCap() {
		return this.serviceJvmOptions.stream()
			.filter((option) -> option.startsWith("-Xmx"))
			.reduce((first, second) -> second)
			.orElse("JVM default (a quarter of the machine's memory)");
	}

	private void validate() {
		require(this.messages >= 1_000, "bench.messages must be at least 1000");
		require(this.warmUp >= 0 && this.warmUp <= 1_000_000, "bench.warmUp must be 0 to 1000000");
		require(this.runs >= 1 && this.runs <= 20, "bench.runs must be 1 to 20");
		require(this.pollers >= 0 && this.pollers <= 64, "bench.pollers must be 0 (as the service) to 64");
		require(this.steadyRate >= 10 && this.steadyRate <= 20_000, "bench.steadyRate must be 10 to 20000");
		require(this.steadySeconds >= 5 && this.steadySeconds <= 600, "bench.steadySeconds must be 5 to 600");
		require(!this.runtimes.isEmpty(), "bench.java names no JDK");
		require(this.timeout.toSeconds() >= 30 && this.timeout.toSeconds() <= 3_600,
				"bench.timeoutSeconds must be 30 to 3600");
	}

	/**
	 * {@code LOGINS_SQS_CLIENT=async;LOGINS_LISTENER_MAX_MESSAGES_PER_POLL=40,LOGINS_LISTENER_MAX_CONCURRENT_MESSAGES=80}:
	 * variants separated by semicolons, each one or more variables separated by commas.
	 */
	static Map<String, Map<String, String>> variants(String value) {
		Map<String, Map<String, String>> variants = new LinkedHashMap<>();
		for (String variant : value.split(";")) {
			if (variant.isBlank()) {
				continue;
			}
			Map<String, String> environment = new LinkedHashMap<>();
			for (String assignment : variant.split(",")) {
				String[] nameValue = assignment.strip().split("=", 2);
				require(nameValue.length == 2 && variable(nameValue[0]), "bench.serviceVariants: '" + assignment
						+ "' is not NAME=value for a LOGINS_ or MANAGEMENT_ setting, JAVA_TOOL_OPTIONS or MALLOC_ARENA_MAX");
				environment.put(nameValue[0], nameValue[1]);
			}
			String name = environment.entrySet()
				.stream()
				.map((entry) -> entry.getKey()
					.replace("MANAGEMENT_OPENTELEMETRY_TRACING_EXPORT_OTLP_ENDPOINT", "TRACING")
					.replace("LOGINS_LISTENER_", "").replace("LOGINS_", "").toLowerCase(Locale.ROOT)
						.replace('_', '-') + "-" + entry.getValue())
				.collect(Collectors.joining("-"));
			variants.put(name, environment);
		}
		return variants;
	}

	/** The service's settings, and the JVM's and glibc's variables a contender may differ by. */
	private static boolean variable(String name) {
		return (name.startsWith("LOGINS_") && !name.startsWith("LOGINS_TEST_")) || name.startsWith("MANAGEMENT_")
				|| name.equals("JAVA_TOOL_OPTIONS") || name.equals("MALLOC_ARENA_MAX");
	}

	private static void require(boolean condition, String message) {
		if (!condition) {
			throw new IllegalArgumentException(message);
		}
	}

	private static int intProperty(String name, int fallback) {
		String value = System.getProperty(name);
		if (value == null || value.isBlank()) {
			return fallback;
		}
		try {
			return Integer.parseInt(value.strip().replace("_", ""));
		}
		catch (NumberFormatException ex) {
			throw new IllegalArgumentException(name + " must be a whole number, not '" + value + "'", ex);
		}
	}

}
