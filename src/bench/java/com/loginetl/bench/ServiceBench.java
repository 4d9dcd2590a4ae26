package com.loginetl.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.loginetl.deploy.AssembledImage;
import com.loginetl.masking.Keysets;
import com.loginetl.support.ElasticMq;
import com.loginetl.support.JdbcTarget;
import com.loginetl.support.PrometheusScrape;
import com.loginetl.support.ServiceProcess;

/**
 * The service's part of one run, on a queue pair and a database of its own: an idle start (time to
 * ready), drain (b) of a preloaded queue by a second start, then a paced steady load on the same,
 * now warm, process.
 */
final class ServiceBench {

	private static final String READINESS = "/actuator/health/readiness";

	private static final long READY_POLL_MILLIS = 20;

	private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);

	private static final Pattern STARTED = Pattern
		.compile("Started \\S+ in ([0-9.]+) seconds \\(process running for ([0-9.]+)\\)");

	private final ElasticMqProcess sqs;

	private final JdbcTarget database;

	private final CpuMeter cpu;

	private final BenchSettings settings;

	private final ServiceSettings serviceSettings;

	private final AssembledImage image;

	private final JavaRuntime runtime;

	private final StartedProcesses started;

	/** "" for the service at its defaults on the first JDK; a variant's or JDK's name otherwise, in queue and log names. */
	private final String variant;

	private final Map<String, String> variantEnvironment;

	/**
	 * The service on {@code runtime}, started from {@code image} (assembled by that JDK);
	 * {@code variant} is "" for (b), the runtime's name for the other JDKs.
	 */
	ServiceBench(ElasticMqProcess sqs, JdbcTarget database, CpuMeter cpu, BenchSettings settings,
			ServiceSettings serviceSettings, AssembledImage image, JavaRuntime runtime, StartedProcesses started,
			String variant) {
		this(sqs, database, cpu, settings, serviceSettings, image, runtime, started, variant, Map.of());
	}

	/**
	 * A variant of the service: {@code variantEnvironment} added to its environment; it drains and
	 * takes the steady load like the service, without the idle starts.
	 */
	ServiceBench(ElasticMqProcess sqs, JdbcTarget database, CpuMeter cpu, BenchSettings settings,
			ServiceSettings serviceSettings, AssembledImage image, JavaRuntime runtime, StartedProcesses started,
			String variant, Map<String, String> variantEnvironment) {
		this.variant = variant;
		this.variantEnvironment = variantEnvironment;
		this.image = image;
		this.runtime = runtime;
		this.started = started;
		this.sqs = sqs;
		this.database = database;
		this.cpu = cpu;
		this.settings = settings;
		this.serviceSettings = serviceSettings;
	}

	Result run(int run, LoginLoad load, LoginLoad steadyLoad) {
		ElasticMqProcess.QueuePair queues = this.sqs.createQueues(queueName(run));
		Map<String, String> environment = environment(queues);

		double readyIdle = Double.NaN;
		double[] idleStartLine = { Double.NaN, Double.NaN };
		double readyIdlePlainJar = Double.NaN;
		if (this.variantEnvironment.isEmpty()) {
			Benchmark.say("(b%s) idle start on Java %s: the service on an empty queue and a new database (Flyway migrates it)",
					label(), this.runtime.describe());
			try (ServiceProcess idle = launch(environment, jvmOptions(run, false))) {
				readyIdle = awaitReady(idle, System.nanoTime());
				idleStartLine = startedLine(idle);
				stop(idle, run, "idle" + suffix());
			}
			Benchmark.say("    ready after %.2f s (Spring Boot: started in %.2f s, process running for %.2f s)",
					readyIdle, idleStartLine[0], idleStartLine[1]);
			Benchmark.say("(b%s) idle start again from the plain jar, without the %s", label(), this.runtime.imageStart());
			try (ServiceProcess plain = ServiceProcess.start(plainJar(jvmOptions(run, false)), environment)) {
				this.started.started(plain.pid());
				readyIdlePlainJar = awaitReady(plain, System.nanoTime());
				stop(plain, run, "idle-plain-jar" + suffix());
			}
			Benchmark.say("    ready after %.2f s", readyIdlePlainJar);
		}
		else {
			Benchmark.say("(b %s) the service with %s", this.variant, this.variantEnvironment);
		}

		Benchmark.say("(b%s) preloading %,d messages", label(), load.size());
		double preloadSeconds = new Senders(this.sqs.client(), queues.queueUrl()).preload(load.bodies(),
				BenchSettings.SENDER_THREADS, this.settings.timeout());
		Benchmark.say("    %,.0f messages/s", load.size() / preloadSeconds);

		Benchmark.say("(b%s) the service drains them into PostgreSQL (heap %s)", label(), this.settings.heapCap());
		try (Connection rows = DriverManager.getConnection(this.database.url(), this.database.username(),
				this.database.password())) {
			long launched = System.nanoTime();
			try (ServiceProcess service = launch(environment, jvmOptions(run, this.settings.jfr()))) {
				CpuMeter.Snapshot atLaunch = this.cpu.snapshot(service.pid());
				Timeline drain = new Timeline(launched, load.size(), this.settings.windowFrom());
				drain.add(0, atLaunch);
				Double readyBacklog = null;
				long deadline = launched + this.settings.timeout().toNanos();
				while (!drain.complete()) {
					Timeline.sleep(Timeline.INTERVAL_MILLIS);
					checkRunning(service, deadline, "draining " + load.size() + " messages", drain.last().done());
					if (readyBacklog == null && service.status(READINESS) == 200) {
						readyBacklog = (System.nanoTime() - launched) / 1e9;
					}
					// done as for the loops: deleted from the queue (after the commit or the dead-letter send)
					drain.add(load.size() - this.sqs.depth(queues.queueUrl()), this.cpu.snapshot(service.pid()));
				}
				String afterDrain = scrape(service);
				Benchmark.say("    %,.0f messages/s (%,d in %.1f s)", drain.rate(), drain.doneInWindow(), drain.windowSeconds());

				Benchmark.say("(b%s) steady load: %,d messages/s for %d s", label(), this.settings.steadyRate(),
						this.settings.steadySeconds());
				Timeline steady = new Timeline(System.nanoTime(), steadyLoad.size());
				steady.add(0, this.cpu.snapshot(service.pid()));
				CompletableFuture<Senders.Paced> producer = CompletableFuture
					.supplyAsync(() -> new Senders(this.sqs.client(), queues.queueUrl()).paced(steadyLoad.bodies(),
							this.settings.steadyRate(), this.settings.steadySeconds(), BenchSettings.SENDER_THREADS));
				long steadyDeadline = System.nanoTime()
						+ Duration.ofSeconds(this.settings.steadySeconds()).plus(this.settings.timeout()).toNanos();
				while (!steady.complete()) {
					Timeline.sleep(Timeline.INTERVAL_MILLIS);
					checkRunning(service, steadyDeadline, "the steady load", steady.last().done());
					if (producer.isCompletedExceptionally()) {
						producer.join();
					}
					steady.add(done(rows, queues) - load.size(), this.cpu.snapshot(service.pid()));
				}
				Senders.Paced paced = producer.join();
				String afterSteady = scrape(service);
				long peakRssKib = service.peakRssKib();
				CpuMeter.Snapshot beforeStop = this.cpu.snapshot(service.pid());
				Map<String, Double> counters = counters(afterSteady);
				double stopSeconds = stop(service, run, "drain" + suffix());
				this.sqs.deleteQueues(queues);
				Benchmark.say("    p99 lag %s", Histogram.parse(afterSteady, "logins_lag_seconds")
					.minus(Histogram.parse(afterDrain, "logins_lag_seconds"))
					.quantile(0.99));
				return new Result(readyIdle, idleStartLine, readyIdlePlainJar, readyBacklog,
						load.size() / preloadSeconds, drain,
						this.cpu.split(drain.windowStart().cpu(), drain.windowEnd().cpu()),
						this.cpu.serviceThreads(drain.windowStart().cpu(), drain.windowEnd().cpu()),
						Histogram.parse(afterDrain, "logins_lag_seconds"),
						Histogram.parse(afterDrain, "logins_batch_seconds"), steady,
						this.cpu.split(steady.windowStart().cpu(), steady.windowEnd().cpu()),
						this.cpu.serviceThreads(steady.windowStart().cpu(), steady.windowEnd().cpu()), paced,
						Histogram.parse(afterSteady, "logins_lag_seconds")
							.minus(Histogram.parse(afterDrain, "logins_lag_seconds")),
						Histogram.parse(afterSteady, "logins_batch_seconds")
							.minus(Histogram.parse(afterDrain, "logins_batch_seconds")),
						peakRssKib, this.cpu.split(atLaunch, beforeStop), counters, stopSeconds);
			}
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Cannot count rows in " + this.database + ": " + ex.getMessage(), ex);
		}
	}

	private Map<String, String> environment(ElasticMqProcess.QueuePair queues) {
		Map<String, String> environment = new HashMap<>(this.serviceSettings.passedOn());
		environment.put("SPRING_CLOUD_AWS_SQS_ENDPOINT", this.sqs.endpoint().toString());
		environment.put("SPRING_CLOUD_AWS_REGION_STATIC", ElasticMq.REGION.id());
		environment.put("SPRING_CLOUD_AWS_CREDENTIALS_ACCESS_KEY", ElasticMq.ACCESS_KEY);
		environment.put("SPRING_CLOUD_AWS_CREDENTIALS_SECRET_KEY", ElasticMq.SECRET_KEY);
		environment.put("SPRING_DATASOURCE_URL", this.database.url());
		environment.put("SPRING_DATASOURCE_USERNAME", this.database.username());
		environment.put("SPRING_DATASOURCE_PASSWORD", this.database.password());
		environment.put("LOGINS_QUEUE", queues.queueUrl());
		environment.put("LOGINS_DEAD_LETTER_QUEUE", queues.deadLetterQueueUrl());
		environment.put("LOGINS_MASKING_KEYSET", Keysets.generate());
		// the Actuator port on the loopback interface only, like everything else here
		environment.put("SERVER_ADDRESS", "127.0.0.1");
		// The start-up check of the dead-letter queue timed out at the default 5 s on a machine with
		// a load average of 30; the setting bounds dead-letter sends and checks only, not polling.
		environment.putIfAbsent("LOGINS_SQS_TIMEOUT", "30s");
		environment.putAll(this.variantEnvironment);
		environment.replaceAll((name, value) -> name.endsWith("_OTLP_ENDPOINT") && value.equals(OtlpSink.PLACEHOLDER)
				? OtlpSink.tracesUrl() : value);
		return environment;
	}

	/** Starts the service as the image's ENTRYPOINT does, with {@code jvmOptions} added. */
	private ServiceProcess launch(Map<String, String> environment, String[] jvmOptions) {
		ServiceProcess service = ServiceProcess.start(this.image.command(List.of(jvmOptions)), environment);
		this.started.started(service.pid());
		return service;
	}

	/** {@code java -jar target/login-etl.jar}: no extracted layers, no cache or archive. */
	private List<String> plainJar(String[] jvmOptions) {
		List<String> command = new ArrayList<>();
		command.add(this.runtime.java().toString());
		command.addAll(this.runtime.options());
		command.addAll(List.of(jvmOptions));
		command.addAll(List.of("-jar", Path.of("target", "login-etl.jar").toString()));
		return command;
	}

	private String[] jvmOptions(int run, boolean jfr) {
		List<String> options = new ArrayList<>(this.settings.serviceJvmOptions());
		if (jfr && this.variant.isEmpty()) {
			Path recording = this.settings.outputDir().resolve("service-run-" + run + ".jfr").toAbsolutePath();
			options.add("-XX:StartFlightRecording=dumponexit=true,settings=profile,filename=" + recording);
		}
		return options.toArray(String[]::new);
	}

	private String label() {
		return this.variant.isEmpty() ? "" : " " + this.variant;
	}

	/** SQS allows 80 characters, and the dead-letter queue's name adds 4: a long variant's is shortened by a hash. */
	private String queueName(int run) {
		String name = "bench-service-" + run + suffix();
		return (name.length() <= 76) ? name : name.substring(0, 67) + "-" + String.format("%08x", name.hashCode());
	}

	private String suffix() {
		return this.variant.isEmpty() ? "" : "-" + this.variant.replaceAll("[^A-Za-z0-9]+", "-");
	}

	/** Seconds from {@code launched} to the first 200 from the readiness probe. */
	private double awaitReady(ServiceProcess service, long launched) {
		long deadline = launched + this.settings.timeout().toNanos();
		while (service.status(READINESS) != 200) {
			checkRunning(service, deadline, "waiting for the service to be ready", 0);
			Timeline.sleep(READY_POLL_MILLIS);
		}
		return (System.nanoTime() - launched) / 1e9;
	}

	// Rows committed plus messages dead-lettered: every message the service is done with.
	private long done(Connection rows, ElasticMqProcess.QueuePair queues) {
		try (Statement statement = rows.createStatement();
				ResultSet count = statement.executeQuery("SELECT count(*) FROM user_logins")) {
			count.next();
			return count.getLong(1) + this.sqs.depth(queues.deadLetterQueueUrl());
		}
		catch (SQLException ex) {
			// before Flyway created the table there is nothing to count
			if ("42P01".equals(ex.getSQLState())) {
				return 0;
			}
			throw new IllegalStateException("Cannot count rows: " + ex.getMessage(), ex);
		}
	}

	private static void checkRunning(ServiceProcess service, long deadline, String what, long done) {
		if (!ProcessHandle.of(service.pid()).map(ProcessHandle::isAlive).orElse(false)) {
			throw new IllegalStateException("The service exited while " + what + "; see " + service.log());
		}
		if (System.nanoTime() > deadline) {
			throw new IllegalStateException(
					"Time limit reached while " + what + " (" + done + " done); see " + service.log());
		}
	}

	// Spring Boot's log line "Started LoginEtlApplication in X seconds (process running for Y)"
	private static double[] startedLine(ServiceProcess service) {
		Matcher matcher = STARTED.matcher(service.output());
		if (!matcher.find()) {
			return new double[] { Double.NaN, Double.NaN };
		}
		return new double[] { Double.parseDouble(matcher.group(1)), Double.parseDouble(matcher.group(2)) };
	}

	private static String scrape(ServiceProcess service) {
		try {
			return service.get("/actuator/prometheus").body();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static Map<String, Double> counters(String scrape) {
		PrometheusScrape parsed = PrometheusScrape.parse(scrape);
		Map<String, Double> counters = new LinkedHashMap<>();
		for (String name : List.of("logins_received_total", "logins_written_total", "logins_rejected_total",
				"logins_duplicates_total", "logins_store_failures_total", "logins_dead_letter_failures_total")) {
			counters.put(name, parsed.valueOrZero(name));
		}
		return counters;
	}

	/** SIGTERM, then the seconds until the process exited; its log is kept in the output folder. */
	private double stop(ServiceProcess service, int run, String name) {
		long stopping = System.nanoTime();
		service.terminate();
		int exit = service.awaitExit(STOP_TIMEOUT);
		this.started.ended(service.pid());
		double seconds = (System.nanoTime() - stopping) / 1e9;
		try {
			Files.copy(service.log(), this.settings.outputDir().resolve("service-run-" + run + "-" + name + ".log"),
					StandardCopyOption.REPLACE_EXISTING);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		if (exit != 0) {
			throw new IllegalStateException("The service exited with " + exit + " after SIGTERM; see " + service.log());
		}
		return seconds;
	}

	/**
	 * The service's figures of one run.
	 *
	 * @param readyIdleSeconds launch to ready, empty queue, new database, as the image starts
	 * @param idleStartedLine the idle start's own account: Spring Boot's "Started ... in X seconds
	 * (process running for Y)", as {X, Y}
	 * @param readyIdlePlainJarSeconds as {@code readyIdleSeconds}, from the plain jar without the
	 * class-data-sharing archive
	 * @param readyBacklogSeconds launch to ready with the preloaded queue (null if the drain ended
	 * first)
	 * @param preloadRate messages/s the preload put on the queue
	 * @param drain drain (b)
	 * @param drainCpu CPU split over drain (b)'s window
	 * @param drainThreads the service's CPU seconds by thread name over drain (b)'s window
	 * @param drainLag lag histogram over the whole drain (time spent waiting in the backlog included)
	 * @param drainBatch receipt-to-commit histogram of the drain's batches (one per batch with rows)
	 * @param steady the steady load, as messages done
	 * @param steadyCpu CPU split over the steady load's window
	 * @param steadyThreads the service's CPU seconds by thread name over the steady load's window
	 * @param paced what the producer sent
	 * @param steadyLag lag histogram of the steady load's messages only
	 * @param steadyBatch receipt-to-commit histogram of the steady load's batches only
	 * @param peakRssKib VmHWM at the end
	 * @param lifetimeCpu CPU split from launch to SIGTERM
	 * @param counters the service's counters at the end
	 * @param stopSeconds SIGTERM to exit
	 */
	record Result(double readyIdleSeconds, double[] idleStartedLine, double readyIdlePlainJarSeconds,
			Double readyBacklogSeconds, double preloadRate, Timeline drain,
			Map<String, Double> drainCpu, Map<String, Double> drainThreads, Histogram drainLag,
			Histogram drainBatch, Timeline steady,
			Map<String, Double> steadyCpu, Map<String, Double> steadyThreads,
			Senders.Paced paced, Histogram steadyLag, Histogram steadyBatch, long peakRssKib,
			Map<String, Double> lifetimeCpu, Map<String, Double> counters, double stopSeconds) {
	}

}
