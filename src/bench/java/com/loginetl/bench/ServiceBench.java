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
 * now warm, process. The service runs on {@code runtime}, started from {@code image} (assembled by
 * that JDK).
 *
 * @param variant "" for the service at its defaults on the first JDK; a variant's or JDK's name
 * otherwise, in queue and log names
 * @param variantEnvironment what a variant adds to the service's environment; a variant drains and
 * takes the steady load without the idle starts
 */
record ServiceBench(ElasticMqProcess sqs, JdbcTarget database, CpuMeter cpu, BenchSettings settings,
		ServiceSettings serviceSettings, AssembledImage image, JavaRuntime runtime, StartedProcesses started,
		String variant, Map<String, String> variantEnvironment) {

	private static final String READINESS = "/actuator/health/readiness";

	private static final long READY_POLL_MILLIS = 20;

	private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);

	private static final Pattern STARTED = Pattern
		.compile("Started \\S+ in ([0-9.]+) seconds \\(process running for ([0-9.]+)\\)");

	Result run(int run, LoginLoad load, LoginLoad steadyLoad) {
		ElasticMqProcess.QueuePair queues = this.sqs.createQueues(queueName(run));
		Map<String, String> environment = environment(queues);
		// the image's ENV under it, for the ENTRYPOINT only: the plain jar runs without the image
		Map<String, String> imageEnvironment = this.image.environmentWith(environment);

		double readyIdle = Double.NaN;
		double[] idleStartLine = { Double.NaN, Double.NaN };
		double readyIdlePlainJar = Double.NaN;
		if (this.variantEnvironment.isEmpty()) {
			Benchmark.say("(b%s) idle start on Java %s: the service on an empty queue and a new database (Flyway migrates it)",
					label(), this.runtime.describe());
			try (ServiceProcess idle = launch(this.image.command(jvmOptions(run, false)), imageEnvironment)) {
				readyIdle = awaitReady(idle, System.nanoTime());
				idleStartLine = startedLine(idle);
				stop(idle, run, "idle" + suffix());
			}
			Benchmark.say("    ready after %.2f s (Spring Boot: started in %.2f s, process running for %.2f s)",
					readyIdle, idleStartLine[0], idleStartLine[1]);
			Benchmark.say("(b%s) idle start again from the plain jar, without the %s", label(), this.runtime.imageStart());
			try (ServiceProcess plain = launch(plainJar(jvmOptions(run, false)), environment)) {
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
		try (Connection counting = DriverManager.getConnection(this.database.url(), this.database.username(),
				this.database.password())) {
			long launched = System.nanoTime();
			try (ServiceProcess service = launch(this.image.command(jvmOptions(run, this.settings.jfr())), imageEnvironment)) {
				Double[] readyBacklog = { null };
				// done as for the loops: deleted from the queue (after the commit or the dead-letter send)
				Timeline drain = new Timeline(this.cpu, launched, load.size(), this.settings.windowFrom()).sample(
						service.pid(), "draining " + load.size() + " messages", service.log(), this.settings.timeout(), () -> {
							if (readyBacklog[0] == null && service.status(READINESS) == 200) {
								readyBacklog[0] = (System.nanoTime() - launched) / 1e9;
							}
						}, () -> load.size() - this.sqs.depth(queues.queueUrl()));
				PrometheusScrape afterDrain = service.scrape();
				Benchmark.say("    %,.0f messages/s (%,d in %.1f s)", drain.rate(), drain.doneInWindow(), drain.windowSeconds());

				Benchmark.say("(b%s) steady load: %,d messages/s for %d s", label(), this.settings.steadyRate(),
						this.settings.steadySeconds());
				Timeline steady = new Timeline(this.cpu, System.nanoTime(), steadyLoad.size(), 0);
				CompletableFuture<Senders.Paced> producer = CompletableFuture
					.supplyAsync(() -> new Senders(this.sqs.client(), queues.queueUrl()).paced(steadyLoad.bodies(),
							this.settings.steadyRate(), this.settings.steadySeconds(), BenchSettings.SENDER_THREADS));
				// rows committed plus messages dead-lettered: every message the service is done with
				steady.sample(service.pid(), "the steady load", service.log(),
						Duration.ofSeconds(this.settings.steadySeconds()).plus(this.settings.timeout()), () -> {
							if (producer.isCompletedExceptionally()) {
								producer.join();
							}
						}, () -> rows(counting) + this.sqs.depth(queues.deadLetterQueueUrl()) - load.size());
				Senders.Paced paced = producer.join();
				PrometheusScrape afterSteady = service.scrape();
				long peakRssKib = service.peakRssKib();
				CpuMeter.Snapshot beforeStop = this.cpu.snapshot(service.pid());
				double stopSeconds = stop(service, run, "drain" + suffix());
				this.sqs.deleteQueues(queues);
				Histogram drainLag = Histogram.of(afterDrain, "logins_lag_seconds");
				Histogram drainBatch = Histogram.of(afterDrain, "logins_batch_seconds");
				Histogram steadyLag = Histogram.of(afterSteady, "logins_lag_seconds").minus(drainLag);
				Benchmark.say("    p99 lag %s", steadyLag.quantile(0.99));
				return new Result(readyIdle, idleStartLine, readyIdlePlainJar, readyBacklog[0], load.size() / preloadSeconds,
						drain, drainLag, drainBatch, steady, paced, steadyLag,
						Histogram.of(afterSteady, "logins_batch_seconds").minus(drainBatch), peakRssKib,
						this.cpu.split(drain.first().cpu(), beforeStop), counters(afterSteady), stopSeconds);
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
		environment.putAll(ServiceProcess.environmentOf(this.database.springProperties()));
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

	/** Starts the service: as the image's ENTRYPOINT does (with its ENV), or from the plain jar. */
	private ServiceProcess launch(List<String> command, Map<String, String> environment) {
		ServiceProcess service = ServiceProcess.start(command, environment);
		this.started.started(service.pid());
		return service;
	}

	/** {@code java -jar target/login-etl.jar}: no extracted layers, no cache or archive. */
	private List<String> plainJar(List<String> jvmOptions) {
		List<String> command = new ArrayList<>();
		command.add(this.runtime.java().toString());
		command.addAll(this.runtime.options());
		command.addAll(jvmOptions);
		command.addAll(List.of("-jar", Path.of("target", "login-etl.jar").toString()));
		return command;
	}

	private List<String> jvmOptions(int run, boolean jfr) {
		List<String> options = new ArrayList<>(this.settings.serviceJvmOptions());
		if (jfr && this.variant.isEmpty()) {
			Path recording = this.settings.outputDir().resolve("service-run-" + run + ".jfr").toAbsolutePath();
			options.add("-XX:StartFlightRecording=dumponexit=true,settings=profile,filename=" + recording);
		}
		return options;
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
			Timeline.checkRunning(service.pid(), deadline, "waiting for the service to be ready", 0, service.log());
			Timeline.sleep(READY_POLL_MILLIS);
		}
		return (System.nanoTime() - launched) / 1e9;
	}

	/** Rows in {@code user_logins}. */
	static long rows(Connection connection) {
		try (Statement statement = connection.createStatement();
				ResultSet count = statement.executeQuery("SELECT count(*) FROM user_logins")) {
			count.next();
			return count.getLong(1);
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Cannot count rows: " + ex.getMessage(), ex);
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

	private static Map<String, Double> counters(PrometheusScrape parsed) {
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
	 * @param readyIdlePlainJarSeconds as {@code readyIdleSeconds}, from the plain jar
	 * @param readyBacklogSeconds launch to ready with the preloaded queue (null if the drain ended
	 * first)
	 * @param preloadRate messages/s the preload put on the queue
	 * @param drain drain (b), with the CPU split and the service's threads over its window
	 * @param drainLag lag histogram over the whole drain (time spent waiting in the backlog included)
	 * @param drainBatch receipt-to-commit histogram of the drain's batches (one per batch with rows)
	 * @param steady the steady load, as messages done
	 * @param paced what the producer sent
	 * @param steadyLag lag histogram of the steady load's messages only
	 * @param steadyBatch receipt-to-commit histogram of the steady load's batches only
	 * @param peakRssKib VmHWM at the end
	 * @param lifetimeCpu CPU split from launch to SIGTERM
	 * @param counters the service's counters at the end
	 * @param stopSeconds SIGTERM to exit
	 */
	record Result(double readyIdleSeconds, double[] idleStartedLine, double readyIdlePlainJarSeconds,
			Double readyBacklogSeconds, double preloadRate, Timeline drain, Histogram drainLag, Histogram drainBatch,
			Timeline steady, Senders.Paced paced, Histogram steadyLag, Histogram steadyBatch, long peakRssKib,
			Map<String, Double> lifetimeCpu, Map<String, Double> counters, double stopSeconds) {
	}

}
