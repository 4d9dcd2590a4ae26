package com.loginetl.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import com.loginetl.deploy.AssembledImage;
import com.loginetl.support.TestPostgres;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.util.FileSystemUtils;

/**
 * The benchmark, one command ({@code mvn -Pbench verify}): how close the service gets to
 * the queue's own limit on this machine. Each run measures (a) a plain SDK loop draining a
 * preloaded queue, (c) a loop doing the service's work, (b) the packaged service draining the same
 * load into PostgreSQL, then the service under a steady paced load; it prints the figures, and
 * writes them as JSON with a throughput chart per run to target/bench. An instance holds what every
 * run shares: the settings, the servers, the service's image per JDK and the loads.
 */
public record Benchmark(BenchSettings settings, ServiceSettings service, Map<JavaRuntime, AssembledImage> images,
		int pollers, ElasticMqProcess sqs, TestPostgres postgres, CpuMeter cpu, StartedProcesses started,
		LoginLoad load, LoginLoad steadyLoad) {

	private static final Path JAR = Path.of("target", "login-etl.jar");

	private static final int WARM_UP_MESSAGES = 20_000;

	private static final DateTimeFormatter UTC = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")
		.withZone(ZoneOffset.UTC);

	public static void main(String[] args) throws IOException {
		((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).setLevel(Level.WARN);
		int status = 1;
		try {
			run(BenchSettings.fromSystemProperties());
			status = 0;
		}
		catch (RuntimeException | AssertionError ex) {
			System.out.flush();
			System.err.println("Benchmark failed: " + ex.getMessage());
			ex.printStackTrace();
		}
		// Also ends what is left: the embedded PostgreSQL stops in its shutdown hook.
		System.exit(status);
	}

	static void say(String format, Object... args) {
		System.out.println(String.format(Locale.ROOT, format, args));
		System.out.flush();
	}

	private static void run(BenchSettings settings) throws IOException {
		checkJar();
		Files.createDirectories(settings.outputDir());
		// The service runs as the image runs it: from its layers, with the cache its training made,
		// assembled once per JDK, since a cache only fits the JVM (and the options) that made it.
		Map<JavaRuntime, AssembledImage> images = new LinkedHashMap<>();
		for (JavaRuntime runtime : settings.runtimes()) {
			Path imageDir = settings.outputDir()
				.resolve(images.isEmpty() ? "image" : "image-" + runtime.name().replaceAll("[^A-Za-z0-9]+", "-"));
			FileSystemUtils.deleteRecursively(imageDir);
			say("assembling the image's /app with Java %s in %s", runtime.name(), imageDir);
			images.put(runtime, AssembledImage.assemble(imageDir, runtime.home(), runtime.options()));
		}
		ServiceSettings service = ServiceSettings.read(System.getenv());
		int pollers = (settings.pollers() > 0) ? settings.pollers() : service.pollers();
		Map<String, Object> environment = environment(settings, service, pollers);
		say("== login-etl benchmark, %s, commit %s, %s cores ==", environment.get("date"), environment.get("commit"),
				environment.get("cores"));
		say("load average at start: %s", environment.get("load_average_at_start"));
		say("service listener: max-concurrent-messages %d, max-messages-per-poll %d -> %d pollers for (a)%s",
				service.maxConcurrentMessages(), service.maxMessagesPerPoll(), pollers,
				(settings.pollers() > 0) ? " (set by bench.pollers)" : "");
		say("service JVM options: %s (heap cap %s)", String.join(" ", settings.serviceJvmOptions()),
				settings.heapCap());
		settings.runtimes().forEach((runtime) -> say("service on Java %s", runtime.describe()));
		say("the loops (a) and (c), ElasticMQ and the benchmark run on the running JDK, %s; the service variants on the first JDK above",
				environment.get("java"));
		if (!service.passedOn().isEmpty()) {
			say("service environment from this shell: %s", service.passedOn().keySet());
		}

		LoginLoad load = LoginLoad.generate(settings.preloaded(), 1);
		LoginLoad steadyLoad = LoginLoad.generate(settings.steadyRate() * settings.steadySeconds(), 2);
		say("load: %,d messages per drain (%,d to warm up, then %,d measured from the %,d-th on), %,d of them invalid; "
				+ "%,d distinct ips and device ids", load.size(), settings.warmUp(), settings.messages(),
				Math.round(settings.windowFrom() * load.size()), load.invalid(), LoginLoad.POOL_SIZE);

		StartedProcesses started = new StartedProcesses();
		List<Map<String, Object>> runs = new ArrayList<>();
		try (ElasticMqProcess sqs = ElasticMqProcess.start(settings.outputDir().resolve("elasticmq.log"), started)) {
			TestPostgres postgres = TestPostgres.instance();
			environment.put("elasticmq", "ElasticMQ " + sqs.endpoint() + ", own JVM " + ElasticMqProcess.JVM_OPTIONS);
			environment.put("postgresql", postgres.describe());
			// an empty database, only to learn where the server listens
			Matcher port = Pattern.compile("^jdbc:postgresql://(localhost|127\\.0\\.0\\.1|\\[::1\\]):(\\d+)/")
				.matcher(postgres.newDatabase().url());
			long postmaster = port.find() ? CpuMeter.listenerOf(Integer.parseInt(port.group(2))) : -1;
			say("SQS: %s; PostgreSQL: %s%s", environment.get("elasticmq"), postgres.describe(),
					(postmaster > 0) ? "" : " (its CPU is not measured: no local process found)");
			Benchmark benchmark = new Benchmark(settings, service, images, pollers, sqs, postgres,
					new CpuMeter(sqs.pid(), postmaster), started, load, steadyLoad);
			benchmark.warmUp();
			for (int run = 1; run <= settings.runs(); run++) {
				say("");
				say("-- run %d of %d --", run, settings.runs());
				Map<String, Object> result = benchmark.runOnce(run);
				result.put("load_average_after", loadAverage());
				runs.add(result);
				printRun(result, settings);
			}
		}
		Path json = settings.outputDir().resolve("results.json");
		Files.writeString(json, JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build()
			.writeValueAsString(ordered("environment", environment, "runs", runs, "spread", spread(runs))),
				StandardCharsets.UTF_8);
		printSpread(spread(runs), runs.size());
		say("");
		say("results: %s; charts: %s", json, settings.outputDir().resolve("throughput-run-N.svg"));
	}

	/**
	 * A drain that is not measured, so that ElasticMQ's JIT has compiled its paths before (a): a cold
	 * server would make (a) of the first run slower than its (b), and the ratio look better than it is.
	 * It is the raw loop's, in a JVM of its own (loop-raw-run-0.log).
	 */
	private void warmUp() {
		LoginLoad warmUp = LoginLoad.generate(Math.min(this.settings.messages(), WARM_UP_MESSAGES), 3);
		say("warming up ElasticMQ: %,d messages sent and drained by the raw loop, not measured", warmUp.size());
		loops().run("raw", 0, warmUp, this.pollers, null);
	}

	private Map<String, Object> runOnce(int run) throws IOException {
		// The order alternates from run to run, so that neither side always meets a warmer machine.
		boolean loopsFirst = run % 2 == 1;
		say("order of this run: %s", loopsFirst ? "raw loop, same-work loop, service" : "service, same-work loop, raw loop");
		Map<String, ServiceBench.Result> variants = new LinkedHashMap<>();
		Map<JavaRuntime, ServiceBench.Result> onOtherJdks = new LinkedHashMap<>();
		LoopDrain.Result raw = loopsFirst ? rawLoop(run) : null;
		ServiceBench.Result b = loopsFirst ? null : serviceDrains(run, variants, onOtherJdks);
		say("(c) same-work loop: %d pollers, receive 10, read, mask, one insert, commit, delete batch", this.pollers);
		LoopDrain.Result same = loops().run("same-work", run, this.load, this.pollers, this.postgres.newDatabase());
		sayDrain(same.drain());
		if (same.rows() != this.load.valid()) {
			throw new IllegalStateException("The same-work loop wrote " + same.rows() + " rows, not " + this.load.valid());
		}
		if (loopsFirst) {
			b = serviceDrains(run, variants, onOtherJdks);
		}
		else {
			raw = rawLoop(run);
		}
		Timeline rawDrain = raw.drain();
		Timeline sameDrain = same.drain();
		Timeline drain = b.drain();
		Timeline steady = b.steady();

		Map<String, Object> figures = new LinkedHashMap<>();
		figures.put("raw_loop_messages_per_s", round(rawDrain.rate(), 0));
		figures.put("same_work_loop_messages_per_s", round(sameDrain.rate(), 0));
		figures.put("service_drain_messages_per_s", round(drain.rate(), 0));
		figures.put("throughput_service_to_same_work", round(drain.rate() / sameDrain.rate(), 3));
		figures.put("raw_loop_cpu_us_per_message", round(rawDrain.micros(), 1));
		figures.put("same_work_loop_cpu_us_per_message", round(sameDrain.micros(), 1));
		figures.put("service_cpu_us_per_message_drain", round(drain.micros(), 1));
		figures.put("cpu_service_to_same_work", round(drain.micros() / sameDrain.micros(), 3));
		figures.put("raw_loop_cpu_us_per_message_without_jit", round(rawDrain.microsWithoutJit(), 1));
		figures.put("same_work_loop_cpu_us_per_message_without_jit", round(sameDrain.microsWithoutJit(), 1));
		figures.put("service_cpu_us_per_message_drain_without_jit", round(drain.microsWithoutJit(), 1));
		figures.put("cpu_service_to_same_work_without_jit",
				round(drain.microsWithoutJit() / sameDrain.microsWithoutJit(), 3));
		figures.put("service_cpu_us_per_message_steady_without_jit", round(steady.microsWithoutJit(), 1));
		figures.put("raw_loop_second_half_messages_per_s", round(rawDrain.secondHalfRate(), 0));
		figures.put("same_work_loop_second_half_messages_per_s", round(sameDrain.secondHalfRate(), 0));
		figures.put("service_drain_second_half_messages_per_s", round(drain.secondHalfRate(), 0));
		figures.put("service_cpu_us_per_message_drain_second_half",
				round(this.cpu.split(drain.windowMiddle().cpu(), drain.windowEnd().cpu()).get("consumer_s")
						/ (drain.windowEnd().done() - drain.windowMiddle().done()) * 1e6, 1));
		figures.put("service_cpu_us_per_message_steady", round(steady.micros(), 1));
		figures.put("cpu_steady_to_drain", round(steady.micros() / drain.micros(), 3));
		// the batch histogram counts one observation per batch that had rows to write
		figures.put("rows_per_batch_drain", round(this.load.valid() / b.drainBatch().count(), 2));
		figures.put("rows_per_batch_steady", round(this.steadyLoad.valid() / b.steadyBatch().count(), 2));
		figures.put("peak_rss_mib", round(b.peakRssKib() / 1024.0, 1));
		figures.put("lag_drain_p50_ms", millis(b.drainLag().quantile(0.50)));
		figures.put("lag_drain_p99_ms", millis(b.drainLag().quantile(0.99)));
		figures.put("lag_steady_p50_ms", millis(b.steadyLag().quantile(0.50)));
		figures.put("lag_steady_p99_ms", millis(b.steadyLag().quantile(0.99)));
		figures.put("ready_idle_s", round(b.readyIdleSeconds(), 2));
		figures.put("ready_idle_spring_started_s", round(b.idleStartedLine()[0], 2));
		figures.put("ready_idle_jvm_running_s", round(b.idleStartedLine()[1], 2));
		figures.put("ready_idle_plain_jar_s", round(b.readyIdlePlainJarSeconds(), 2));
		figures.put("ready_with_backlog_s", round(b.readyBacklogSeconds(), 2));
		figures.put("steady_sent_messages_per_s", round(b.paced().rate(), 0));
		figures.put("stop_s", round(b.stopSeconds(), 2));

		Map<String, Object> result = ordered("run", run, "figures", figures, "order",
				loopsFirst ? "raw, same-work, service" : "service, same-work, raw", "raw_loop", loopDetails(raw),
				"same_work_loop", loopDetails(same));
		result.put("service", ordered("heap_cap", this.settings.heapCap(), "jvm_options", this.settings.serviceJvmOptions(),
				"preload_messages_per_s", round(b.preloadRate(), 0), "window_messages", drain.doneInWindow(),
				"window_s", round(drain.windowSeconds(), 3), "cpu_split_drain_s", rounded(drain.cpu()),
				"cpu_split_steady_s", rounded(steady.cpu()), "cpu_split_lifetime_s", rounded(b.lifetimeCpu()),
				"service_threads_cpu_drain_s", rounded(drain.threads()),
				"service_threads_cpu_steady_s", rounded(steady.threads()), "lag_drain", quantiles(b.drainLag()),
				"lag_steady", quantiles(b.steadyLag()), "batch_drain", quantiles(b.drainBatch()),
				"batch_steady", quantiles(b.steadyBatch()),
				"steady_producer", ordered("target_messages_per_s", this.settings.steadyRate(), "sent", b.paced().sent(),
						"seconds", round(b.paced().seconds(), 3), "max_late_ms", round(b.paced().maxLateMillis(), 1)),
				"counters", b.counters()));
		if (!variants.isEmpty()) {
			Map<String, Object> variantFigures = ordered("service", contenderFigures(b, same, Map.of()));
			variants.forEach((name, variant) -> variantFigures.put(name,
					contenderFigures(variant, same, this.settings.serviceVariants().get(name))));
			result.put("service_variants", variantFigures);
		}
		Map<String, Map<String, Object>> runtimeFigures = new LinkedHashMap<>();
		for (JavaRuntime runtime : this.settings.runtimes()) {
			ServiceBench.Result onJdk = (runtime == this.settings.runtimes().get(0)) ? b : onOtherJdks.get(runtime);
			Map<String, Object> values = ordered("java", runtime.describe(), "image_start", runtime.imageStart(),
					"ready_idle_s", round(onJdk.readyIdleSeconds(), 2),
					"ready_idle_plain_jar_s", round(onJdk.readyIdlePlainJarSeconds(), 2),
					"ready_with_backlog_s", round(onJdk.readyBacklogSeconds(), 2));
			values.putAll(contenderFigures(onJdk, same, null));
			runtimeFigures.put(runtime.name(), values);
			if (this.settings.runtimes().size() > 1) {
				// each runtime's figures among the run's figures too, so that the spread covers them
				values.forEach((figure, value) -> {
					if (value instanceof Double) {
						figures.put("java_" + runtime.name().replaceAll("[^A-Za-z0-9]+", "_") + "_" + figure, value);
					}
				});
			}
		}
		result.put("runtimes", runtimeFigures);

		if (this.settings.jfr()) {
			Path recording = this.settings.outputDir().resolve("service-run-" + run + ".jfr");
			String profile = "drain (b)'s window: " + JfrProfile.summarize(recording, instant(drain.windowStart()),
					instant(drain.windowEnd())) + System.lineSeparator() + "steady load's window: "
					+ JfrProfile.summarize(recording, instant(steady.windowStart()), instant(steady.windowEnd()));
			Path profileFile = this.settings.outputDir().resolve("profile-run-" + run + ".txt");
			Files.writeString(profileFile, profile);
			result.put("profile", profileFile.toString());
		}

		Path chart = this.settings.outputDir().resolve("throughput-run-" + run + ".svg");
		Files.writeString(chart, new ThroughputChart(String.format(Locale.ROOT,
				"login-etl run %d: %,d messages, %s", run, this.load.size(), "messages done per second"))
			.add("(a) raw loop (receive, delete), " + this.pollers + " pollers", "#1f77b4", rawDrain.perSecond())
			.add("(c) same-work loop, " + this.pollers + " pollers", "#9467bd", sameDrain.perSecond())
			.add("(b) service drain into PostgreSQL (from launch)", "#ff7f0e", drain.perSecond())
			.mark(b.readyBacklogSeconds(), "(b) ready", "#ff7f0e")
			.add("(b) service at a steady " + this.settings.steadyRate() + "/s", "#2ca02c", steady.perSecond())
			.svg());
		result.put("chart", chart.toString());
		return result;
	}

	/**
	 * The service on the first JDK (b), each variant, then the service on each further JDK, in this
	 * order in odd runs and in the reverse order in even runs, so that none always meets the warmer
	 * machine. Variants run on the first JDK.
	 */
	private ServiceBench.Result serviceDrains(int run, Map<String, ServiceBench.Result> variants,
			Map<JavaRuntime, ServiceBench.Result> onOtherJdks) {
		JavaRuntime first = this.settings.runtimes().get(0);
		List<Object> contenders = new ArrayList<>();
		contenders.add(first);
		contenders.addAll(this.settings.serviceVariants().keySet());
		contenders.addAll(this.settings.runtimes().subList(1, this.settings.runtimes().size()));
		if (run % 2 == 0) {
			Collections.reverse(contenders);
		}
		ServiceBench.Result b = null;
		for (Object contender : contenders) {
			JavaRuntime runtime = (contender instanceof JavaRuntime jdk) ? jdk : first;
			String name = (contender == first) ? "" : (contender instanceof String variant) ? variant : "java " + runtime.name();
			ServiceBench.Result result = new ServiceBench(this.sqs, this.postgres.newDatabase(), this.cpu, this.settings,
					this.service, this.images.get(runtime), runtime, this.started, name,
					this.settings.serviceVariants().getOrDefault(name, Map.of())).run(run, this.load, this.steadyLoad);
			if (contender == first) {
				b = result;
				continue;
			}
			if (contender instanceof String) {
				variants.put(name, result);
			}
			else {
				onOtherJdks.put(runtime, result);
			}
			say("    (b %s) %,.0f messages/s, %,.0f µs CPU per message", name, result.drain().rate(),
					result.drain().micros());
		}
		return b;
	}

	/**
	 * The figures that compare service contenders with each other and with the same-work loop;
	 * {@code environment} is what a variant adds (null for a JDK's column).
	 */
	private Map<String, Object> contenderFigures(ServiceBench.Result b, LoopDrain.Result same,
			Map<String, String> environment) {
		Map<String, Object> figures = new LinkedHashMap<>();
		if (environment != null) {
			figures.put("environment", environment);
		}
		figures.put("drain_messages_per_s", round(b.drain().rate(), 0));
		figures.put("cpu_us_per_message_drain", round(b.drain().micros(), 1));
		figures.put("cpu_us_per_message_drain_without_jit", round(b.drain().microsWithoutJit(), 1));
		figures.put("throughput_to_same_work", round(b.drain().rate() / same.drain().rate(), 3));
		figures.put("cpu_to_same_work", round(b.drain().micros() / same.drain().micros(), 3));
		figures.put("cpu_us_per_message_steady", round(b.steady().micros(), 1));
		figures.put("cpu_us_per_message_steady_without_jit", round(b.steady().microsWithoutJit(), 1));
		figures.put("rows_per_batch_drain", round(this.load.valid() / b.drainBatch().count(), 2));
		figures.put("rows_per_batch_steady", round(this.steadyLoad.valid() / b.steadyBatch().count(), 2));
		figures.put("lag_steady_p50_ms", millis(b.steadyLag().quantile(0.50)));
		figures.put("lag_steady_p99_ms", millis(b.steadyLag().quantile(0.99)));
		figures.put("peak_rss_mib", round(b.peakRssKib() / 1024.0, 1));
		figures.put("stop_s", round(b.stopSeconds(), 2));
		figures.put("threads_cpu_drain_s", rounded(b.drain().threads()));
		return figures;
	}

	private LoopDrain loops() {
		return new LoopDrain(this.sqs, this.cpu, this.settings, this.started);
	}

	private LoopDrain.Result rawLoop(int run) {
		say("(a) raw loop: %d pollers, receive 10 / delete batch of 10, no processing", this.pollers);
		LoopDrain.Result raw = loops().run("raw", run, this.load, this.pollers, null);
		sayDrain(raw.drain());
		return raw;
	}

	private static void sayDrain(Timeline drain) {
		say("    %,.0f messages/s, %,.0f µs CPU per message (%,d in %.1f s)", drain.rate(), drain.micros(),
				drain.doneInWindow(), drain.windowSeconds());
	}

	private Map<String, Object> loopDetails(LoopDrain.Result loop) {
		return ordered("pollers", this.pollers, "preload_messages_per_s", round(loop.preloadRate(), 0),
				"window_messages", loop.drain().doneInWindow(), "window_s", round(loop.drain().windowSeconds(), 3),
				"rows", loop.rows(), "cpu_split_s", rounded(loop.drain().cpu()),
				"threads_cpu_s", rounded(loop.drain().threads()));
	}

	@SuppressWarnings("unchecked")
	private static void printRun(Map<String, Object> result, BenchSettings settings) {
		Map<String, Object> f = (Map<String, Object>) result.get("figures");
		Map<String, Object> s = (Map<String, Object>) result.get("service");
		Map<String, Object> raw = (Map<String, Object>) result.get("raw_loop");
		Map<String, Object> same = (Map<String, Object>) result.get("same_work_loop");
		say("");
		say("run %s results (order: %s; load average after: %s)", result.get("run"), result.get("order"),
				result.get("load_average_after"));
		say("  warm part of each drain (%,d warm-up messages, then %.0f %% to 100 %% of %,d)   messages/s   CPU per message (consumer process)",
				settings.warmUp(), BenchSettings.WINDOW_FROM * 100, settings.messages());
		say("  (a) raw loop, receive and delete only, %s pollers   %,10.0f   %,8.1f µs   (the floor)", raw.get("pollers"),
				f.get("raw_loop_messages_per_s"), f.get("raw_loop_cpu_us_per_message"));
		say("  (c) same-work loop, %s pollers                      %,10.0f   %,8.1f µs", same.get("pollers"),
				f.get("same_work_loop_messages_per_s"), f.get("same_work_loop_cpu_us_per_message"));
		say("  (b) the service                                     %,10.0f   %,8.1f µs", f.get("service_drain_messages_per_s"),
				f.get("service_cpu_us_per_message_drain"));
		say("  service / same-work loop                            %10.3f   %8.3f      (targets: >= 1.0 and <= 1.25)",
				f.get("throughput_service_to_same_work"), f.get("cpu_service_to_same_work"));
		say("  without the JIT compiler threads  %,8.1f / %,8.1f / %,8.1f µs per message (a, c, b); service / same-work %.3f (target <= 1.1); steady %,.1f µs",
				f.get("raw_loop_cpu_us_per_message_without_jit"), f.get("same_work_loop_cpu_us_per_message_without_jit"),
				f.get("service_cpu_us_per_message_drain_without_jit"), f.get("cpu_service_to_same_work_without_jit"),
				f.get("service_cpu_us_per_message_steady_without_jit"));
		say("  second half of each warm window                     %,.0f, %,.0f and %,.0f messages/s (a, c, b)",
				f.get("raw_loop_second_half_messages_per_s"), f.get("same_work_loop_second_half_messages_per_s"),
				f.get("service_drain_second_half_messages_per_s"));
		say("  service CPU per message                             %,.1f µs draining (%,.1f µs in the second half), %,.1f µs at a steady %,d/s",
				f.get("service_cpu_us_per_message_drain"), f.get("service_cpu_us_per_message_drain_second_half"),
				f.get("service_cpu_us_per_message_steady"), settings.steadyRate());
		say("  steady / drain CPU per message                      %10.3f   (target <= 1.3)", f.get("cpu_steady_to_drain"));
		say("  rows per insert (batch)            %10.2f (drain), %.2f (steady); at most max-messages-per-poll",
				f.get("rows_per_batch_drain"), f.get("rows_per_batch_steady"));
		say("  peak RSS (VmHWM)                   %10.0f MiB = %.0f MB, heap cap %s (target <= 350 MB)",
				f.get("peak_rss_mib"), (Double) f.get("peak_rss_mib") * 1.048576, settings.heapCap());
		say("  lag while draining the backlog     p50 %s, p99 %s", describe(s, "lag_drain", "p50"),
				describe(s, "lag_drain", "p99"));
		say("                                     (includes the wait in the preloaded queue)");
		say("  lag at a steady %,d/s for %d s  p50 %s, p99 %s (target p99 <= 250 ms)", settings.steadyRate(),
				settings.steadySeconds(), describe(s, "lag_steady", "p50"), describe(s, "lag_steady", "p99"));
		say("                                     producer sent %,.0f messages/s", f.get("steady_sent_messages_per_s"));
		say("  start to ready                     %10.2f s idle, as the image starts (target <= 3 s); %s s with the backlog waiting",
				f.get("ready_idle_s"), f.get("ready_with_backlog_s"));
		say("                                     %s s idle from the plain jar, without the AOT cache or CDS archive (target <= 6 s)",
				f.get("ready_idle_plain_jar_s"));
		say("                                     (idle start's log: context started in %s s, JVM running for %s s)",
				f.get("ready_idle_spring_started_s"), f.get("ready_idle_jvm_running_s"));
		say("  CPU split over (a)'s window        %s", describeSplit(raw.get("cpu_split_s")));
		say("  CPU split over (c)'s window        %s", describeSplit(same.get("cpu_split_s")));
		say("  CPU split over (b)'s window        %s", describeSplit(s.get("cpu_split_drain_s")));
		say("  CPU split at steady load           %s", describeSplit(s.get("cpu_split_steady_s")));
		say("  same-work loop threads over (c)    %s", describeThreads(same.get("threads_cpu_s")));
		say("  service threads over (b)'s window  %s", describeThreads(s.get("service_threads_cpu_drain_s")));
		say("  service threads at steady load     %s", describeThreads(s.get("service_threads_cpu_steady_s")));
		// one column per JDK of bench.java, then one per variant (on the first JDK)
		Map<String, Map<String, Object>> contenders = new LinkedHashMap<>();
		((Map<String, Map<String, Object>>) result.get("runtimes")).forEach((name, figures) -> contenders.put("Java " + name, figures));
		contenders.putAll((Map<String, Map<String, Object>>) result.getOrDefault("service_variants", Map.of()));
		// (b) itself, the service at its defaults, is the first JDK's column
		contenders.remove("service");
		if (contenders.size() > 1) {
			printContenders(contenders);
		}
		say("  chart                              %s", result.get("chart"));
		if (result.containsKey("profile")) {
			say("  profile (Flight Recorder samples)  %s", result.get("profile"));
		}
	}

	/** The service contenders side by side: a column each, the JDKs in bench.java's order, then the variants. */
	private static void printContenders(Map<String, Map<String, Object>> contenders) {
		say("  service contenders (the loops on the running JDK; variants on the first JDK)");
		StringBuilder header = new StringBuilder(String.format(Locale.ROOT, "    %-44s", ""));
		contenders.keySet().forEach((name) -> header.append(String.format(Locale.ROOT, " %16s", name)));
		say("%s", header);
		List<String[]> rows = List.of(new String[] { "image_start", "as the image starts" },
				new String[] { "ready_idle_s", "launch to ready, as the image starts, s" },
				new String[] { "ready_idle_plain_jar_s", "launch to ready, plain jar, s" },
				new String[] { "ready_with_backlog_s", "launch to ready, backlog waiting, s" },
				new String[] { "drain_messages_per_s", "drain, messages/s" },
				new String[] { "cpu_us_per_message_drain", "drain CPU per message, µs" },
				new String[] { "cpu_us_per_message_drain_without_jit", "  without the JIT threads, µs" },
				new String[] { "throughput_to_same_work", "drain / same-work loop, messages/s" },
				new String[] { "cpu_to_same_work", "drain / same-work loop, CPU per message" },
				new String[] { "cpu_us_per_message_steady", "steady CPU per message, µs" },
				new String[] { "cpu_us_per_message_steady_without_jit", "  without the JIT threads, µs" },
				new String[] { "lag_steady_p50_ms", "steady lag p50, ms" },
				new String[] { "lag_steady_p99_ms", "steady lag p99, ms" },
				new String[] { "rows_per_batch_drain", "rows per insert, drain" },
				new String[] { "rows_per_batch_steady", "rows per insert, steady" },
				new String[] { "peak_rss_mib", "peak RSS (VmHWM), MiB" },
				new String[] { "stop_s", "SIGTERM to exit, s" });
		for (String[] row : rows) {
			StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "    %-44s", row[1]));
			contenders.values().forEach((figures) -> {
				Object value = figures.get(row[0]);
				line.append(String.format(Locale.ROOT, " %16s", (value instanceof Double number)
						? String.format(Locale.ROOT, (Math.abs(number) >= 100) ? "%,.0f" : "%.3g", number)
						: (value == null) ? "-" : String.valueOf(value)));
			});
			say("%s", line);
		}
		contenders.forEach((name, figures) -> say("    %s: %s; threads over its drain window: %s", name,
				figures.getOrDefault("java", figures.get("environment")),
				describeThreads(figures.get("threads_cpu_drain_s"))));
	}

	@SuppressWarnings("unchecked")
	private static String describe(Map<String, Object> service, String histogram, String quantile) {
		Map<String, Object> h = (Map<String, Object>) service.get(histogram);
		Map<String, Object> q = (Map<String, Object>) h.get(quantile);
		if (q == null) {
			return "n/a";
		}
		Object upper = q.get("bucket_upper_s");
		if ("+Inf".equals(upper)) {
			return String.format(Locale.ROOT, "> %,.0f ms (above the largest bucket)",
					(Double) q.get("bucket_lower_s") * 1000);
		}
		return String.format(Locale.ROOT, "%s ms [bucket %s-%s ms]", millisText((Double) q.get("seconds")),
				millisText((Double) q.get("bucket_lower_s")), millisText((Double) upper));
	}

	// whole milliseconds, but tenths below 10 ms, where the buckets are that narrow
	private static String millisText(double seconds) {
		double millis = seconds * 1000;
		return String.format(Locale.ROOT, (millis < 10) ? "%.1f" : "%,.0f", millis);
	}

	@SuppressWarnings("unchecked")
	private static String describeSplit(Object split) {
		Map<String, Double> s = (Map<String, Double>) split;
		return String.format(Locale.ROOT,
				"%.1f s wall, %.1f core-s: consumer %.1f, ElasticMQ %.1f, PostgreSQL %s, benchmark %.1f, other %.1f, idle %.1f",
				s.get("wall_s"), s.get("cores_capacity_s"), s.get("consumer_s"), s.get("elasticmq_s"),
				(s.get("postgres_s") == null) ? "n/a" : String.format(Locale.ROOT, "%.1f", s.get("postgres_s")),
				s.get("benchmark_s"), s.get("other_s"), s.get("idle_s"));
	}

	// the eight busiest thread names, in CPU seconds
	@SuppressWarnings("unchecked")
	private static String describeThreads(Object threads) {
		return ((Map<String, Double>) threads).entrySet()
			.stream()
			.limit(8)
			.map((thread) -> String.format(Locale.ROOT, "%s %.1f", thread.getKey(), thread.getValue()))
			.collect(Collectors.joining(", "));
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Map<String, Object>> spread(List<Map<String, Object>> runs) {
		Map<String, Map<String, Object>> spread = new LinkedHashMap<>();
		for (String figure : ((Map<String, Object>) runs.get(0).get("figures")).keySet()) {
			List<Double> values = runs.stream()
				.map((run) -> ((Map<String, Object>) run.get("figures")).get(figure))
				.filter((value) -> value instanceof Double)
				.map(Double.class::cast)
				.sorted()
				.toList();
			int n = values.size();
			if (n > 0) {
				spread.put(figure, ordered("min", values.get(0), "median", (values.get((n - 1) / 2) + values.get(n / 2)) / 2,
						"max", values.get(n - 1)));
			}
		}
		return spread;
	}

	private static void printSpread(Map<String, Map<String, Object>> spread, int runs) {
		say("");
		say("spread over %d run%s (min / median / max)", runs, (runs == 1) ? "" : "s");
		spread.forEach((figure, values) -> say("  %-50s %,12.3f %,12.3f %,12.3f", figure, values.get("min"),
				values.get("median"), values.get("max")));
	}

	private static Map<String, Object> quantiles(Histogram histogram) {
		Histogram.Quantile p50 = histogram.quantile(0.50);
		Histogram.Quantile p99 = histogram.quantile(0.99);
		return ordered("observations", histogram.count(), "p50", (p50 != null) ? p50.toMap() : null,
				"p99", (p99 != null) ? p99.toMap() : null, "bucket_bounds_100ms_to_1s", histogram.boundsBetween(0.1, 1.0));
	}

	private static Map<String, Object> environment(BenchSettings settings, ServiceSettings service, int pollers) {
		return ordered("date", UTC.format(Instant.now()), "commit", commit(),
				"cores", Runtime.getRuntime().availableProcessors(),
				"cpu", firstMatch(Path.of("/proc/cpuinfo"), "(?m)^model name\\s*:\\s*(.+)$"),
				"memory", firstMatch(Path.of("/proc/meminfo"), "(?m)^MemTotal:\\s*(.+)$"),
				"java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"),
				"load_average_at_start", loadAverage(),
				"settings", ordered("messages", settings.messages(), "warm_up_messages", settings.warmUp(),
						"invalid_one_in", LoginLoad.ONE_IN_N_INVALID, "distinct_ips_and_device_ids", LoginLoad.POOL_SIZE,
						"runs", settings.runs(), "raw_pollers", pollers,
						"service_max_concurrent_messages", service.maxConcurrentMessages(),
						"service_max_messages_per_poll", service.maxMessagesPerPoll(),
						"service_environment_passed_on", service.passedOn().keySet(),
						"service_jvm_options", settings.serviceJvmOptions(), "service_variants", settings.serviceVariants(),
						"steady_messages_per_s", settings.steadyRate(), "steady_seconds", settings.steadySeconds(),
						"sample_interval_ms", Timeline.INTERVAL_MILLIS, "clock_ticks_per_s", CpuMeter.TICKS_PER_SECOND));
	}

	// The service is measured as packaged; a jar older than the sources would measure old code.
	private static void checkJar() throws IOException {
		String packageIt = ": run the benchmark with 'mvn -Pbench verify', which packages it first";
		if (!Files.isRegularFile(JAR)) {
			throw new IllegalStateException(JAR + " is missing" + packageIt);
		}
		FileTime jarTime = Files.getLastModifiedTime(JAR);
		try (Stream<Path> sources = Files.walk(Path.of("src", "main"))) {
			Optional<Path> newer = sources.filter(Files::isRegularFile)
				.filter((source) -> source.toFile().lastModified() > jarTime.toMillis())
				.findFirst();
			if (newer.isPresent()) {
				throw new IllegalStateException(JAR + " is older than " + newer.get() + packageIt);
			}
		}
	}

	private static String commit() {
		try {
			String head = command("git", "rev-parse", "--short=12", "HEAD");
			String changes = command("git", "status", "--porcelain", "--untracked-files=no");
			return changes.isEmpty() ? head : head + " plus uncommitted changes";
		}
		catch (RuntimeException ex) {
			return "unknown (" + ex.getMessage() + ")";
		}
	}

	/** Runs a command and returns its output, stripped; fails unless it exits with 0. */
	static String command(String... command) {
		try {
			Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
			String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
			if (process.waitFor() != 0) {
				throw new IllegalStateException(String.join(" ", command) + ": " + output);
			}
			return output;
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex.getMessage(), ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	private static String loadAverage() {
		return firstMatch(Path.of("/proc/loadavg"), "^(\\S+ \\S+ \\S+)");
	}

	/** The first group of {@code regex}'s first match in {@code file}, stripped, or "unknown". */
	static String firstMatch(Path file, String regex) {
		try {
			Matcher matcher = Pattern.compile(regex).matcher(Files.readString(file));
			return matcher.find() ? matcher.group(1).strip() : "unknown";
		}
		catch (IOException ex) {
			return "unknown";
		}
	}

	private static Instant instant(Timeline.Sample sample) {
		return Instant.ofEpochMilli(sample.cpu().epochMillis());
	}

	private static Double millis(Histogram.Quantile quantile) {
		return (quantile == null || Double.isInfinite(quantile.upper())) ? null : round(quantile.value() * 1000, 1);
	}

	private static Map<String, Double> rounded(Map<String, Double> values) {
		Map<String, Double> rounded = new LinkedHashMap<>();
		values.forEach((name, value) -> rounded.put(name, round(value, 3)));
		return rounded;
	}

	private static Double round(Double value, int decimals) {
		if (value == null || value.isNaN() || value.isInfinite()) {
			return null;
		}
		double scale = Math.pow(10, decimals);
		return Math.round(value * scale) / scale;
	}

	/** A map of these names and values, in this order (values may be null). */
	static Map<String, Object> ordered(Object... namesAndValues) {
		Map<String, Object> map = new LinkedHashMap<>();
		for (int i = 0; i < namesAndValues.length; i += 2) {
			map.put((String) namesAndValues[i], namesAndValues[i + 1]);
		}
		return map;
	}

}
