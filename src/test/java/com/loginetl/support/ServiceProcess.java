package com.loginetl.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.loginetl.deploy.AssembledImage;

import org.springframework.util.FileSystemUtils;

import static org.awaitility.Awaitility.await;

/**
 * The packaged service (target/login-etl.jar) in a process of its own, as it runs in production:
 * started as the image starts it, configured by environment variables, stopped by signals.
 */
public final class ServiceProcess implements AutoCloseable {

	/** Where the image's {@code /app} is assembled, once per test JVM. */
	private static final Path IMAGE = Path.of("target", "it-image");

	private static AssembledImage image;

	private final Process process;

	private final int port;

	private final int applicationPort;

	private final Path log;

	/** Where its ports are reached: 127.0.0.1, or its address in a {@link NetworkNamespace}. */
	private final String address;

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

	private ServiceProcess(Process process, int port, int applicationPort, Path log, String address) {
		this.process = process;
		this.port = port;
		this.applicationPort = applicationPort;
		this.log = log;
		this.address = address;
	}

	/**
	 * Starts the service with these environment variables (on top of the image's ENV and none of the
	 * test JVM's {@code LOGINS_*}, {@code SPRING_*}, {@code MANAGEMENT_*} and {@code AWS_*} ones) and
	 * JVM options, on free ports, as the Docker image starts it: its ENTRYPOINT on the jar's extracted
	 * layers with the cache its training made, which is ready sooner than {@code java -jar} (8.1
	 * against 13.4 s with Java 17's class-data-sharing archive, docs/performance.md's tuning log).
	 * On a JDK 25 that is the image's AOT cache; on an earlier JDK, which has none, the same steps
	 * make and use a class-data-sharing archive instead ({@link AssembledImage}).
	 */
	public static ServiceProcess start(Map<String, String> environment, String... jvmOptions) {
		return start(image().command(testJvmOptions(jvmOptions)), image().environmentWith(environment));
	}

	/**
	 * Runs one of the jar's commands ({@code check}, ...) as the image runs it, with these arguments
	 * after the ENTRYPOINT, this environment and JVM options.
	 */
	public static ServiceProcess command(Map<String, String> environment, List<String> arguments,
			String... jvmOptions) {
		return start(image().command(testJvmOptions(jvmOptions), arguments.toArray(String[]::new)),
				image().environmentWith(environment));
	}

	/**
	 * As {@link #start(Map, String...)}, inside a network namespace ({@code ip netns exec}, which
	 * runs the command in place, so that {@link #terminate()} signals the service itself); its
	 * ports are reached at the namespace's address.
	 */
	public static ServiceProcess startIn(NetworkNamespace namespace, Map<String, String> environment,
			String... jvmOptions) {
		List<String> command = new ArrayList<>(namespace.commandPrefix());
		command.addAll(image().command(testJvmOptions(jvmOptions)));
		return start(command, image().environmentWith(environment), namespace.namespaceAddress());
	}

	/**
	 * {@code jvmOptions} after the C1 compiler only: a test's service lives seconds to a minute, in
	 * which C2 compiling code it would hardly run again costs the CPU the test shares with it on a
	 * 2-core machine (8 % of a fault test's time). What the service does is the same at any tier;
	 * the benchmark starts it with the image's own options.
	 */
	private static List<String> testJvmOptions(String... jvmOptions) {
		List<String> options = new ArrayList<>();
		options.add("-XX:TieredStopAtLevel=1");
		options.addAll(List.of(jvmOptions));
		return options;
	}

	/**
	 * The image's {@code /app} made from this build's jar, the first time a service starts or a test
	 * asks for it; one per test JVM, since its training run takes half a minute.
	 */
	public static synchronized AssembledImage image() {
		if (image == null) {
			// an archive made from an earlier jar would not fit this one
			FileSystemUtils.deleteRecursively(IMAGE.toFile());
			image = AssembledImage.assemble(IMAGE);
		}
		return image;
	}

	/**
	 * As {@link #start(Map, String...)}, with a command of its own, such as the image's entrypoint,
	 * and only this environment (for the image's, {@link AssembledImage#environmentWith}).
	 */
	public static ServiceProcess start(List<String> command, Map<String, String> environment) {
		return start(command, environment, "127.0.0.1");
	}

	private static ServiceProcess start(List<String> command, Map<String, String> environment, String address) {
		try {
			int[] ports = freePorts();
			int port = ports[0];
			int applicationPort = ports[1];
			Path log = TestOutput.newFile("login-etl-service-", ".log");
			// A shell without job control starts a background command with SIGINT ignored, and a
			// JVM never handles a signal it inherited ignored: reset, so that interrupt() reaches the
			// service's handler however the tests were launched (env execs in place: the same pid).
			List<String> withSignals = new ArrayList<>(List.of("env", "--default-signal=INT"));
			withSignals.addAll(command);
			ProcessBuilder builder = new ProcessBuilder(withSignals).redirectErrorStream(true)
				.redirectOutput(log.toFile());
			// Only what the test sets: an AWS_REGION or AWS_PROFILE of the machine would hide a missing setting.
			builder.environment()
				.keySet()
				.removeIf((name) -> name.startsWith("LOGINS_") || name.startsWith("SPRING_")
						|| name.startsWith("MANAGEMENT_") || name.startsWith("AWS_"));
			builder.environment().putAll(environment);
			builder.environment().put("SERVER_PORT", Integer.toString(applicationPort));
			builder.environment().put("MANAGEMENT_SERVER_PORT", Integer.toString(port));
			return new ServiceProcess(builder.start(), port, applicationPort, log, address);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** The environment that points a service at the shared ElasticMQ, these queues and this database. */
	public static Map<String, String> environment(TestQueues queues, JdbcTarget database, String keyset) {
		Map<String, String> environment = new HashMap<>();
		environment.putAll(environmentOf(queues.sqs().springProperties()));
		environment.putAll(environmentOf(database.springProperties()));
		environment.put("LOGINS_QUEUE", queues.queueUrl());
		environment.put("LOGINS_DEAD_LETTER_QUEUE", queues.deadLetterQueueUrl());
		environment.put("LOGINS_MASKING_KEYSET", keyset);
		return environment;
	}

	/**
	 * Spring properties as the environment variables docs/configuration.md's table names:
	 * {@code logins.dead-letter-queue} is {@code LOGINS_DEAD_LETTER_QUEUE}.
	 */
	public static Map<String, String> environmentOf(Map<String, String> properties) {
		Map<String, String> environment = new HashMap<>();
		properties.forEach((name, value) -> environment.put(name.toUpperCase().replace('.', '_').replace('-', '_'), value));
		return environment;
	}

	public long pid() {
		return this.process.pid();
	}

	/**
	 * The HTTP port of its Actuator endpoints (management.server.port), which {@link #get},
	 * {@link #status} and {@link #scrape} use.
	 */
	public int port() {
		return this.port;
	}

	/** The application port (server.port), which serves no Actuator endpoint. */
	public int applicationPort() {
		return this.applicationPort;
	}

	public boolean isAlive() {
		return this.process.isAlive();
	}

	public Path log() {
		return this.log;
	}

	public void awaitReady(Duration timeout) {
		await().atMost(timeout).pollInterval(Duration.ofMillis(250)).until(() -> {
			if (!this.process.isAlive()) {
				throw new IllegalStateException("The service exited with " + this.process.exitValue() + "; see " + this.log);
			}
			return status("/actuator/health/readiness") == 200;
		});
	}

	/** HTTP status of a GET, or -1 when nothing answers. */
	public int status(String path) {
		try {
			return get(path).statusCode();
		}
		catch (IOException ex) {
			return -1;
		}
	}

	/** A GET on the management port. */
	public HttpResponse<String> get(String path) throws IOException {
		return get(this.port, path);
	}

	/** A GET on one of its ports. */
	public HttpResponse<String> get(int port, String path) throws IOException {
		try {
			return this.http.send(HttpRequest.newBuilder(URI.create("http://" + this.address + ":" + port + path))
				.timeout(Duration.ofSeconds(10))
				.build(), HttpResponse.BodyHandlers.ofString());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IOException(ex);
		}
	}

	/**
	 * The sum of a meter's series from /actuator/prometheus, e.g. {@code logins_received_total}.
	 * Fails when the scrape does not answer 200 or has no such series: a meter that is not there
	 * is never read as 0. For a series that may rightly be absent, use {@link #scrape()} and
	 * {@link PrometheusScrape#valueOrZero}.
	 */
	public double counter(String name) {
		return scrape().value(name);
	}

	/** One labelled series of a meter, e.g. {@code logins_rejected_total} of one {@code reason}; fails when absent. */
	public double counter(String name, String label, String labelValue) {
		return scrape().value(name, label, labelValue);
	}

	/** /actuator/prometheus now; fails unless it answers 200 with samples. */
	public PrometheusScrape scrape() {
		HttpResponse<String> response;
		try {
			response = get("/actuator/prometheus");
		}
		catch (IOException ex) {
			throw new AssertionError("/actuator/prometheus did not answer (" + ex + "); see " + this.log, ex);
		}
		if (response.statusCode() != 200) {
			throw new AssertionError("/actuator/prometheus answered " + response.statusCode() + ": " + response.body());
		}
		return PrometheusScrape.parse(response.body());
	}

	/** Peak resident memory so far, in KiB (VmHWM). */
	public long peakRssKib() {
		try {
			return Files.readAllLines(Path.of("/proc", Long.toString(pid()), "status"))
				.stream()
				.filter((line) -> line.startsWith("VmHWM:"))
				.map((line) -> Long.parseLong(line.replaceAll("\\D", "")))
				.findFirst()
				.orElseThrow();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** SIGKILL: no shutdown of any kind. */
	public void kill() {
		this.process.destroyForcibly();
		awaitExit(Duration.ofSeconds(10));
	}

	/** SIGTERM: what Kubernetes sends to stop a pod. */
	public void terminate() {
		this.process.destroy();
	}

	/** SIGINT: what Ctrl-C in a terminal sends. */
	public void interrupt() {
		try {
			Process kill = new ProcessBuilder("kill", "-INT", Long.toString(pid())).inheritIO().start();
			if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
				throw new IllegalStateException("kill -INT " + pid() + " failed");
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/** Waits for the process to end and returns its exit status. */
	public int awaitExit(Duration timeout) {
		try {
			if (!this.process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
				throw new IllegalStateException("The service did not exit within " + timeout + "; see " + this.log);
			}
			return this.process.exitValue();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	public String output() {
		try {
			return Files.readString(this.log);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	@Override
	public void close() {
		if (this.process.isAlive()) {
			this.process.destroyForcibly();
		}
	}

	/** Two distinct free ports: both sockets are open at once, so the system cannot hand out one twice. */
	private static int[] freePorts() throws IOException {
		try (ServerSocket first = new ServerSocket(0); ServerSocket second = new ServerSocket(0)) {
			return new int[] { first.getLocalPort(), second.getLocalPort() };
		}
	}

}
