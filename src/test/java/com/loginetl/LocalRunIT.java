package com.loginetl;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.loginetl.support.DeadLetterBodies;
import com.loginetl.support.LocalServices;
import com.loginetl.support.SampleEvents;
import com.loginetl.support.TestOutput;
import com.loginetl.support.TestPostgres;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

/**
 * README's local run, exactly as README gives it (offline, since the build already fetched what it
 * needs): {@code mvn -DskipTests package spring-boot:test-run} in a Maven of its own, then README's
 * claims about it: ElasticMQ on port 9324 with the two queues, 99 rows and one dead letter with its
 * reason, the log's {@code Rows: psql ...} line, readiness UP on the management port 8081, README's
 * metrics command, its {@code send-message} example, and its {@code unmask} line on the jar the
 * command made. The ports are README's, so this test needs 8080, 8081 and 9324 free and says so
 * when they are not.
 */
class LocalRunIT {

	/** README's command, which this test runs with {@code -o -B} added. */
	static final String COMMAND = "mvn -DskipTests package spring-boot:test-run";

	static final String UNMASK = "LOGINS_MASKING_KEYSET_FILE=src/test/resources/dev-keyset.json java -jar "
			+ "target/login-etl.jar unmask TOKEN";

	static final String METRICS = "curl -s localhost:8081/actuator/prometheus | grep -E "
			+ "'^logins_(received|written|rejected|duplicates)_total'";

	static final String DEAD_LETTER_QUEUE_URL = "http://localhost:9324/000000000000/login-queue-dlq";

	static final String QUEUE_URL = "http://localhost:9324/000000000000/login-queue";

	static final String ONE_MORE_EVENT = "{\"user_id\": \"me\", \"app_version\": \"2.3.0\", \"device_type\": \"ios\", "
			+ "\"ip\": \"10.0.0.1\", \"locale\": null, \"device_id\": \"123-45-6789\"}";

	private static final Pattern ROWS_LINE = Pattern
		.compile("Rows: psql \"postgresql://(\\w+)@([\\w.]+:\\d+)/(\\w+)\" -c 'select \\* from user_logins'");

	private static final Duration READY_TIMEOUT = Duration.ofMinutes(6);

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

	@Test
	void readmesLocalRunWorksAsWritten() throws Exception {
		// README's shell lines as one line each: continuation lines joined, runs of spaces as one
		String readme = Files.readString(Path.of("README.md")).replaceAll("\\\\\\n\\s*", " ").replaceAll(" {2,}", " ");
		assertThat(readme).as("README's commands, which this test runs")
			.contains(COMMAND)
			.contains(UNMASK)
			.contains(METRICS)
			.contains(DEAD_LETTER_QUEUE_URL)
			.contains(QUEUE_URL)
			.contains(ONE_MORE_EVENT);
		requireFree(8080, "the service's application port");
		requireFree(8081, "the service's management port");
		requireFree(9324, "ElasticMQ's port");

		Path log = TestOutput.newFile("login-etl-local-run-", ".log");
		List<String> command = new ArrayList<>(List.of(COMMAND.split(" ")));
		command.addAll(1, List.of("-o", "-B"));
		Process maven = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
		try (SqsClient sqs = sqs()) {
			awaitReady(maven, log);

			Matcher rows = ROWS_LINE.matcher(Files.readString(log));
			assertThat(rows.find()).as("the log's 'Rows: psql ...' line; log in %s", log).isTrue();
			String jdbcUrl = "jdbc:postgresql://" + rows.group(2) + "/" + rows.group(3);
			String user = rows.group(1);
			await().atMost(Duration.ofMinutes(1)).untilAsserted(() -> assertThat(count(jdbcUrl, user)).isEqualTo(99));

			assertThat(Files.readString(log)).contains("SQS (ElasticMQ) endpoint: http://127.0.0.1:9324")
				.contains("PostgreSQL JDBC URL: " + jdbcUrl)
				.contains("Masking with the built-in development keyset");
			assertThat(sqs.listQueues().queueUrls()).extracting((url) -> url.substring(url.lastIndexOf('/') + 1))
				.containsExactlyInAnyOrder("login-queue", "login-queue-dlq");
			List<Message> deadLetters = sqs
				.receiveMessage((request) -> request.queueUrl(DEAD_LETTER_QUEUE_URL)
					.messageAttributeNames("All")
					.maxNumberOfMessages(10)
					.waitTimeSeconds(2))
				.messages();
			assertThat(deadLetters).singleElement().satisfies((message) -> {
				assertThat(DeadLetterBodies.open(LocalServices.devKeyset(), message)).isEqualTo(SampleEvents.WRONG_TYPE);
				assertThat(message.messageAttributes().get("reason").stringValue()).isEqualTo("missing_user_id");
			});

			assertThat(listeningAddresses(8080)).as("the application port's listening addresses").containsOnly("127.0.0.1");
			assertThat(listeningAddresses(8081)).as("the management port's listening addresses").containsOnly("127.0.0.1");

			HttpResponse<String> readiness = get("/actuator/health/readiness");
			assertThat(readiness.statusCode()).isEqualTo(200);
			assertThat(readiness.body()).endsWith("},\"status\":\"UP\"}");

			sqs.sendMessage((request) -> request.queueUrl(QUEUE_URL).messageBody(ONE_MORE_EVENT));
			await().atMost(Duration.ofMinutes(1)).untilAsserted(() -> assertThat(count(jdbcUrl, user)).isEqualTo(100));
			assertThat(metricLines(get("/actuator/prometheus").body())).anyMatch((line) -> line
				.matches("logins_written_total\\{.*\\} 100\\.0"))
				.anyMatch((line) -> line.matches("logins_rejected_total\\{.*reason=\"missing_user_id\".*\\} 1\\.0"))
				.anyMatch((line) -> line.startsWith("logins_received_total{"))
				.hasSizeLessThan(10);

			assertThat(unmask(maskedIpOf(jdbcUrl, user, "me"))).isEqualTo("10.0.0.1");
		}
		finally {
			stop(maven);
		}
	}

	/**
	 * The local addresses of the sockets listening on {@code port}, read from the kernel's tables
	 * ({@code /proc/net/tcp} and {@code tcp6}), so without connecting from anywhere but here.
	 */
	private static List<String> listeningAddresses(int port) throws IOException {
		List<String> addresses = new ArrayList<>();
		for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
			Path path = Path.of(table);
			if (!Files.exists(path)) {
				continue;
			}
			for (String line : Files.readAllLines(path)) {
				String[] fields = line.trim().split("\\s+");
				// local_address is HEX_IP:HEX_PORT; state 0A is LISTEN
				if (fields.length > 3 && fields[3].equals("0A") && fields[1].endsWith(String.format(":%04X", port))) {
					addresses.add(address(fields[1].substring(0, fields[1].indexOf(':'))));
				}
			}
		}
		assertThat(addresses).as("sockets listening on port %d", port).isNotEmpty();
		return addresses;
	}

	/** An address of /proc/net/tcp{,6}: 32-bit words in the kernel's (little-endian) byte order. */
	private static String address(String hex) throws IOException {
		byte[] bytes = new byte[hex.length() / 2];
		for (int word = 0; word < bytes.length / 4; word++) {
			for (int i = 0; i < 4; i++) {
				bytes[word * 4 + i] = (byte) Integer.parseInt(hex.substring(word * 8 + (3 - i) * 2, word * 8 + (3 - i) * 2 + 2), 16);
			}
		}
		InetAddress address = InetAddress.getByAddress(bytes);
		return address.getHostAddress();
	}

	private static void requireFree(int port, String what) {
		try (ServerSocket socket = new ServerSocket(port)) {
			socket.setReuseAddress(true);
		}
		catch (IOException ex) {
			fail("Port " + port + " (" + what + ") is taken: README's local run needs ports 8080, 8081 and 9324, and so "
					+ "does this test of it. Stop whatever listens there (another local run?) and run it again.");
		}
	}

	private void awaitReady(Process maven, Path log) {
		await().atMost(READY_TIMEOUT).pollInterval(Duration.ofSeconds(1)).until(() -> {
			if (!maven.isAlive()) {
				fail("'" + COMMAND + "' ended with status " + maven.exitValue() + " before the service was ready; "
						+ "its output is in " + log);
			}
			try {
				return get("/actuator/health/readiness").statusCode() == 200;
			}
			catch (IOException ex) {
				return false;
			}
		});
	}

	private HttpResponse<String> get(String path) throws IOException, InterruptedException {
		return this.http.send(HttpRequest.newBuilder(URI.create("http://localhost:8081" + path))
			.timeout(Duration.ofSeconds(10))
			.build(), HttpResponse.BodyHandlers.ofString());
	}

	/** What README's metrics command prints. */
	private static List<String> metricLines(String prometheus) {
		return prometheus.lines().filter(Pattern.compile("^logins_(received|written|rejected|duplicates)_total")
			.asPredicate()).toList();
	}

	/** README's unmask line, with the jar that README's command made. */
	private static String unmask(String token) throws IOException, InterruptedException {
		ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
				"-jar", "target/login-etl.jar", "unmask", token);
		builder.environment().put("LOGINS_MASKING_KEYSET_FILE", "src/test/resources/dev-keyset.json");
		Process unmask = builder.redirectErrorStream(true).start();
		String output = new String(unmask.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(unmask.waitFor(2, TimeUnit.MINUTES)).isTrue();
		assertThat(unmask.exitValue()).as("unmask's exit status; output: %s", output).isZero();
		return output.strip();
	}

	private static SqsClient sqs() {
		// The credentials and region README exports for the aws CLI.
		return SqsClient.builder()
			.endpointOverride(URI.create("http://localhost:9324"))
			.region(Region.US_EAST_1)
			.credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
			.build();
	}

	private static int count(String jdbcUrl, String user) throws SQLException {
		try (Connection connection = connect(jdbcUrl, user);
				ResultSet rows = connection.createStatement().executeQuery("select count(*) from user_logins")) {
			rows.next();
			return rows.getInt(1);
		}
	}

	private static String maskedIpOf(String jdbcUrl, String user, String userId) throws SQLException {
		try (Connection connection = connect(jdbcUrl, user);
				PreparedStatement query = connection.prepareStatement("select masked_ip from user_logins where user_id = ?")) {
			query.setString(1, userId);
			try (ResultSet rows = query.executeQuery()) {
				assertThat(rows.next()).as("a row of user %s", userId).isTrue();
				return rows.getString(1);
			}
		}
	}

	// psql as README shows it gives no password: the local PostgreSQL trusts local connections,
	// unless LOGINS_TEST_JDBC_URL named a server of one's own.
	private static Connection connect(String jdbcUrl, String user) throws SQLException {
		String password = System.getenv(TestPostgres.PASSWORD_VARIABLE);
		return DriverManager.getConnection(jdbcUrl, user, (password != null) ? password : "");
	}

	// SIGTERM to the service first, so that it stops its PostgreSQL and ElasticMQ as on Ctrl-C; then
	// Maven; then anything of theirs still running.
	private static void stop(Process maven) throws InterruptedException {
		List<ProcessHandle> started = maven.descendants().toList();
		for (ProcessHandle service : maven.children().toList()) {
			service.destroy();
			service.onExit().completeOnTimeout(service, 60, TimeUnit.SECONDS).join();
		}
		maven.destroy();
		if (!maven.waitFor(60, TimeUnit.SECONDS)) {
			maven.destroyForcibly();
		}
		started.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
	}

}
