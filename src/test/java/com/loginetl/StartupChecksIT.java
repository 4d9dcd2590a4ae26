package com.loginetl;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import java.util.stream.Stream;

import com.loginetl.masking.Keysets;
import com.loginetl.support.JdbcTarget;
import com.loginetl.support.ServiceProcess;
import com.loginetl.support.SharedServices;
import com.loginetl.support.TestPostgres;
import com.loginetl.support.TestQueues;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every start-up mistake docs/configuration.md's start-up table names, made on the packaged jar: the service
 * exits with status 1 and Spring Boot's short failure report, which says what is wrong, names
 * the setting by its property and its environment variable, and says what to do; no stack trace.
 * Every mistake is found before the schema is migrated and before the web server listens: no table,
 * no open port; and the report comes first, right after the start line, with nothing of a context
 * that was never going to start before it (Tomcat, "Error creating bean"). (The ingest role's
 * grants can only be checked after the migration: DatabaseRolesIT.) The mistakes run two at a
 * time, since each costs a JVM start.
 */
class StartupChecksIT {

	private static final Duration EXIT_TIMEOUT = Duration.ofMinutes(4);

	private static final int AT_ONCE = 2;

	/**
	 * The start line, the profile line, the blank lines and the banner of Spring Boot's report: the
	 * report follows at once (before the checks ran before the context, it began on line 17 or 18).
	 */
	private static final int REPORT_WITHIN_LINES = 6;

	// A failed start-up is short-lived: the JIT's second tier and parallel GC threads would only
	// compete for the CPU with the other starts. Neither changes what the service reports.
	private static final String[] JVM_OPTIONS = { "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC" };

	private static final Map<String, Mistake> MISTAKES = new LinkedHashMap<>();

	private static final Map<String, CompletableFuture<Outcome>> OUTCOMES = new HashMap<>();

	private static ExecutorService launcher;

	private static HttpServer refusingSqs;

	@BeforeAll
	static void makeEveryMistake() throws Exception {
		TestPostgres postgres = TestPostgres.instance();
		TestQueues queues = TestQueues.create("startup-" + UUID.randomUUID(), Map.of());
		refusingSqs = refusingSqs();
		String keyset = Keysets.generate();
		String reader = "reader_" + UUID.randomUUID().toString().replace("-", "");
		int closedPort = closedPort();

		// The connection timeout set as the report says: the variable it names must be one the service takes.
		mistake("database unreachable", queues, postgres.newDatabase(), keyset, (environment) -> {
			environment.put("SPRING_DATASOURCE_URL", "jdbc:postgresql://127.0.0.1:" + closedPort + "/postgres");
			environment.put("SPRING_DATASOURCE_HIKARI_CONNECTIONTIMEOUT", "4000");
		}, "The database server at 127.0.0.1:", "cannot be reached", "Connection to 127.0.0.1:",
				"spring.datasource.url (SPRING_DATASOURCE_URL)",
				"spring.datasource.hikari.connection-timeout (SPRING_DATASOURCE_HIKARI_CONNECTIONTIMEOUT)");
		mistake("database host name does not resolve", queues, postgres.newDatabase(), keyset,
				(environment) -> environment.put("SPRING_DATASOURCE_URL", "jdbc:postgresql://db.invalid:5432/logins"),
				"The database server's host name in spring.datasource.url (SPRING_DATASOURCE_URL), 'db.invalid', "
						+ "does not resolve",
				"Correct the host in spring.datasource.url (SPRING_DATASOURCE_URL)");
		mistake("SQS host name does not resolve", queues, postgres.newDatabase(), keyset,
				(environment) -> environment.put("SPRING_CLOUD_AWS_SQS_ENDPOINT", "http://sqs.invalid:9324"),
				"SQS at http://sqs.invalid:9324, named by spring.cloud.aws.sqs.endpoint (SPRING_CLOUD_AWS_SQS_ENDPOINT), "
						+ "cannot be reached: its host name, 'sqs.invalid', does not resolve");
		mistake("unknown database user", queues, postgres.newDatabase(), keyset,
				(environment) -> environment.put("SPRING_DATASOURCE_USERNAME", "nosuchuser"), "refused",
				"user 'nosuchuser'", "spring.datasource.username (SPRING_DATASOURCE_USERNAME)",
				"spring.datasource.password (SPRING_DATASOURCE_PASSWORD)", "SQLSTATE 28");
		mistake("database missing", queues, postgres.newDatabase(), keyset,
				(environment) -> environment.put("SPRING_DATASOURCE_URL",
						environment.get("SPRING_DATASOURCE_URL").replaceFirst("/logins_\\w+", "/no_such_database")),
				"The database 'no_such_database' named in spring.datasource.url (SPRING_DATASOURCE_URL) does not exist",
				"SQLSTATE 3D000", "CREATE DATABASE no_such_database");
		JdbcTarget readOnly = postgres.newDatabase();
		execute(readOnly, "CREATE ROLE " + reader + " LOGIN PASSWORD 'reader'");
		mistake("no permission to create the schema", queues, readOnly, keyset, (environment) -> {
			environment.put("SPRING_DATASOURCE_USERNAME", reader);
			environment.put("SPRING_DATASOURCE_PASSWORD", "reader");
		}, "The database user '" + reader + "', named by spring.datasource.username (SPRING_DATASOURCE_USERNAME)",
				"may not create the service's tables", "GRANT CREATE ON SCHEMA public TO " + reader);
		mistake("SQS endpoint unreachable", queues, postgres.newDatabase(), keyset,
				(environment) -> environment.put("SPRING_CLOUD_AWS_SQS_ENDPOINT", "http://127.0.0.1:" + closedPort),
				"SQS at http://127.0.0.1:", "named by spring.cloud.aws.sqs.endpoint (SPRING_CLOUD_AWS_SQS_ENDPOINT)",
				"cannot be reached", "Connection refused");
		mistake("SQS credentials refused", queues, postgres.newDatabase(), keyset,
				(environment) -> environment.put("SPRING_CLOUD_AWS_SQS_ENDPOINT",
						"http://127.0.0.1:" + refusingSqs.getAddress().getPort()),
				"refused the service's AWS credentials", "InvalidClientTokenId",
				"spring.cloud.aws.credentials.access-key (SPRING_CLOUD_AWS_CREDENTIALS_ACCESS_KEY)",
				"spring.cloud.aws.credentials.secret-key (SPRING_CLOUD_AWS_CREDENTIALS_SECRET_KEY)");
		mistake("AWS region missing", queues, postgres.newDatabase(), keyset, (environment) -> {
			environment.remove("SPRING_CLOUD_AWS_REGION_STATIC");
			// Nothing outside the test may supply a region: no profile, and no instance metadata (a
			// build machine on EC2 would answer with its own region).
			environment.put("AWS_CONFIG_FILE", "/nonexistent/aws-config");
			environment.put("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/aws-credentials");
			environment.put("AWS_EC2_METADATA_DISABLED", "true");
		}, "No AWS region is configured", "spring.cloud.aws.region.static (SPRING_CLOUD_AWS_REGION_STATIC)",
				"for example to us-east-1");
		mistake("source queue missing", queues, postgres.newDatabase(), keyset,
				(environment) -> environment.put("LOGINS_QUEUE", "no-such-queue"),
				"The source queue 'no-such-queue', named by logins.queue (LOGINS_QUEUE), does not exist at http://127.0.0.1:",
				"Create the queue, or set logins.queue (LOGINS_QUEUE) to the name or URL of an existing queue",
				"never creates queues");
		mistake("dead-letter queue missing", queues, postgres.newDatabase(), keyset,
				(environment) -> environment.put("LOGINS_DEAD_LETTER_QUEUE", "no-such-dlq"),
				"The dead-letter queue 'no-such-dlq', named by logins.dead-letter-queue (LOGINS_DEAD_LETTER_QUEUE), "
						+ "does not exist at http://127.0.0.1:",
				"Create the queue, or set logins.dead-letter-queue (LOGINS_DEAD_LETTER_QUEUE) to the name or URL of "
						+ "an existing queue",
				"never creates queues");
		Path missingKeyset = Files.createTempDirectory("startup-keyset-").resolve("keyset.json");
		mistake("keyset file missing", queues, postgres.newDatabase(), keyset, (environment) -> {
			environment.remove("LOGINS_MASKING_KEYSET");
			environment.put("LOGINS_MASKING_KEYSET_FILE", missingKeyset.toString());
		}, "The masking keyset file " + missingKeyset, "logins.masking.keyset-file (LOGINS_MASKING_KEYSET_FILE)",
				"does not exist", "logins.masking.keyset (LOGINS_MASKING_KEYSET)");
		// Tests may run as root, who reads any file whatever its mode; a directory is unreadable to all.
		Path unreadableKeyset = Files.createTempDirectory("startup-keyset-");
		mistake("keyset file unreadable", queues, postgres.newDatabase(), keyset, (environment) -> {
			environment.remove("LOGINS_MASKING_KEYSET");
			environment.put("LOGINS_MASKING_KEYSET_FILE", unreadableKeyset.toString());
		}, "The masking keyset file " + unreadableKeyset, "logins.masking.keyset-file (LOGINS_MASKING_KEYSET_FILE)",
				"cannot be read");
		mistake("listener value out of range", queues, postgres.newDatabase(), keyset,
				(environment) -> environment.put("LOGINS_LISTENER_MAX_MESSAGES_PER_POLL", "500"),
				"logins.listener.max-messages-per-poll (LOGINS_LISTENER_MAX_MESSAGES_PER_POLL) is '500'",
				"must be less than or equal to 100", "The configuration table (docs/configuration.md)");
		mistake("several values out of range", queues, postgres.newDatabase(), keyset, (environment) -> {
			environment.put("LOGINS_LISTENER_VISIBILITY_TIMEOUT", "1s");
			environment.put("LOGINS_LISTENER_MAX_CONCURRENT_MESSAGES", "0");
		}, "logins.listener.visibility-timeout (LOGINS_LISTENER_VISIBILITY_TIMEOUT) is '1s'",
				"logins.listener.max-concurrent-messages (LOGINS_LISTENER_MAX_CONCURRENT_MESSAGES) is '0'");
		// Bound by a bean made only after the migration: the checks bind every logins.* setting first.
		mistake("value of a later bean out of range", queues, postgres.newDatabase(), keyset,
				(environment) -> environment.put("LOGINS_EXIT_WHEN_IDLE", "0s"),
				"logins.exit-when-idle (LOGINS_EXIT_WHEN_IDLE) is '0s'");
		mistake("value of the wrong type", queues, postgres.newDatabase(), keyset,
				(environment) -> environment.put("LOGINS_DATABASE_RETRY_MAX_INTERVAL", "soon"),
				"logins.database.retry.max-interval (LOGINS_DATABASE_RETRY_MAX_INTERVAL) is 'soon'",
				"not a valid Duration", "durations are written like");

		launcher = Executors.newFixedThreadPool(AT_ONCE);
		MISTAKES.forEach((name, mistake) -> OUTCOMES.put(name, CompletableFuture.supplyAsync(mistake::make, launcher)));
	}

	@AfterAll
	static void stop() {
		if (launcher != null) {
			launcher.shutdownNow();
		}
		if (refusingSqs != null) {
			refusingSqs.stop(0);
		}
	}

	static Stream<String> mistakes() {
		return MISTAKES.keySet().stream();
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("mistakes")
	void aMistakeStopsTheServiceWithAShortReport(String name) {
		Mistake mistake = MISTAKES.get(name);
		Outcome outcome = OUTCOMES.get(name).join();
		String output = outcome.output();

		assertThat(outcome.exitStatus()).as("%s: exit status; output in %s", name, outcome.log()).isEqualTo(1);
		assertThat(output).as("%s: output in %s", name, outcome.log())
			.contains("APPLICATION FAILED TO START")
			.doesNotContain("Caused by:")
			.doesNotContain("Application run failed")
			.doesNotContainPattern("(?m)^\\s+at \\S+\\(")
			.doesNotContain("\tat ");
		String report = output.substring(output.indexOf("APPLICATION FAILED TO START"));
		// The report comes first: after the start line, nothing from a context that was never going to start.
		List<String> before = output.substring(0, output.indexOf("APPLICATION FAILED TO START")).lines().toList();
		assertThat(before).as("%s: lines before the report in %s", name, outcome.log())
			.hasSizeLessThanOrEqualTo(REPORT_WITHIN_LINES)
			.noneMatch((line) -> line.contains("Error creating bean"))
			.noneMatch((line) -> line.contains("Tomcat initialized"))
			.noneMatch((line) -> line.contains("Exception encountered during context initialization"))
			.noneMatch((line) -> line.contains("Initializing Spring embedded WebApplicationContext"));
		for (String expected : mistake.expected()) {
			assertThat(report).as("%s: report in %s", name, outcome.log()).contains(expected);
		}
		assertThat(report).as("the report names documented (kebab-case) properties only")
			.doesNotContainPattern("logins\\.[\\w.-]*[A-Z]");
		// Found before the migration and before the web server listens: the mistake changed nothing.
		assertThat(output).as("%s: output in %s", name, outcome.log()).doesNotContain("Tomcat started on port");
		assertThat(mistake.database().tables()).as("%s: tables created in %s", name, mistake.database()).isEmpty();
	}

	@Test
	void aMissingQueueIsNeverCreated() {
		OUTCOMES.get("source queue missing").join();
		OUTCOMES.get("dead-letter queue missing").join();

		for (String queue : List.of("no-such-queue", "no-such-dlq")) {
			assertThatThrownBy(() -> SharedServices.sqs().client().getQueueUrl((request) -> request.queueName(queue)))
				.hasMessageContaining("does not exist");
		}
	}

	private static void mistake(String name, TestQueues queues, JdbcTarget database, String keyset,
			Consumer<Map<String, String>> mistake, String... expected) {
		Map<String, String> environment = ServiceProcess.environment(queues, database, keyset);
		// A JVM's first SQS call loads much of the SDK; on a machine busy with other builds that alone
		// has taken more than the default 5 s.
		environment.put("LOGINS_SQS_TIMEOUT", "30s");
		mistake.accept(environment);
		MISTAKES.put(name, new Mistake(environment, database, List.of(expected)));
	}

	private static void execute(JdbcTarget database, String sql) throws SQLException {
		try (Connection connection = DriverManager.getConnection(database.url(), database.username(),
				database.password()); Statement statement = connection.createStatement()) {
			statement.execute(sql);
		}
	}

	/** A port nothing listens on: taken from the system, then released. */
	private static int closedPort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

	/**
	 * A local HTTP server that answers every SQS request as SQS answers a request signed with an
	 * access key it does not know (JSON protocol: HTTP 403, the query protocol's error code in
	 * {@code x-amzn-query-error}). ElasticMQ accepts any credentials, so it cannot refuse them.
	 */
	private static HttpServer refusingSqs() throws IOException {
		HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		byte[] body = ("{\"__type\": \"com.amazon.coral.service#UnrecognizedClientException\", "
				+ "\"message\": \"The security token included in the request is invalid.\"}")
			.getBytes(StandardCharsets.UTF_8);
		server.createContext("/", (exchange) -> {
			exchange.getRequestBody().readAllBytes();
			exchange.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.0");
			exchange.getResponseHeaders().add("x-amzn-query-error", "InvalidClientTokenId;Sender");
			exchange.getResponseHeaders().add("x-amzn-RequestId", UUID.randomUUID().toString());
			exchange.sendResponseHeaders(403, body.length);
			exchange.getResponseBody().write(body);
			exchange.close();
		});
		server.start();
		return server;
	}

	private record Mistake(Map<String, String> environment, JdbcTarget database, List<String> expected) {

		Outcome make() {
			try (ServiceProcess service = ServiceProcess.start(this.environment, JVM_OPTIONS)) {
				int status = service.awaitExit(EXIT_TIMEOUT);
				return new Outcome(status, service.output(), service.log());
			}
		}

	}

	private record Outcome(int exitStatus, String output, Path log) {
	}

}
