package com.loginetl.support;

import java.io.File;
import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.postgresql.PostgreSQLContainer;

import org.springframework.boot.logging.LogLevel;
import org.springframework.boot.logging.LoggingSystem;

/**
 * One real PostgreSQL server per JVM, started on first use and stopped when the JVM exits. Each
 * test, or local run, takes a database of its own with {@link #newDatabase()}.
 * <p>
 * The server is the first of:
 * <ol>
 * <li>the one {@code LOGINS_TEST_JDBC_URL} names, as {@code LOGINS_TEST_JDBC_USERNAME} (default
 * {@code postgres}) with {@code LOGINS_TEST_JDBC_PASSWORD} (default empty);</li>
 * <li>a Testcontainers {@code postgres:17-alpine}, when a Docker engine answers;</li>
 * <li>an embedded PostgreSQL 17 (zonky), which needs nothing installed.</li>
 * </ol>
 */
public final class TestPostgres {

	public static final String URL_VARIABLE = "LOGINS_TEST_JDBC_URL";

	public static final String USERNAME_VARIABLE = "LOGINS_TEST_JDBC_USERNAME";

	public static final String PASSWORD_VARIABLE = "LOGINS_TEST_JDBC_PASSWORD";

	private static final Logger log = LoggerFactory.getLogger(TestPostgres.class);

	private static final String IMAGE = "postgres:17-alpine";

	// scheme and hosts, then an optional "/database", then optional "?parameters"
	private static final Pattern JDBC_URL = Pattern.compile("^(jdbc:postgresql://[^/?]*)(/[^?]*)?(\\?.*)?$");

	// Starting PostgreSQL is the slow part of a test run, so the whole JVM shares one server.
	private static @Nullable TestPostgres instance;

	private final JdbcTarget admin;

	private final String description;

	// null for a server someone else runs: it is left running, minus the databases made here
	private final @Nullable AutoCloseable ownedServer;

	private final Queue<String> createdDatabases = new ConcurrentLinkedQueue<>();

	private TestPostgres(JdbcTarget admin, String description, @Nullable AutoCloseable ownedServer) {
		this.admin = admin;
		this.description = description;
		this.ownedServer = ownedServer;
	}

	public static synchronized TestPostgres instance() {
		if (instance == null) {
			TestPostgres started = start();
			Runtime.getRuntime().addShutdownHook(new Thread(started::stop, "test-postgres-stop"));
			instance = started;
		}
		return instance;
	}

	/** Creates an empty database with a name of its own on the shared server. */
	public JdbcTarget newDatabase() {
		String name = "logins_" + UUID.randomUUID().toString().replace("-", "");
		execute("CREATE DATABASE " + name);
		this.createdDatabases.add(name);
		return new JdbcTarget(withDatabase(this.admin.url(), name), this.admin.username(), this.admin.password());
	}

	/** Which of the three kinds of server this is, and where it is. */
	public String describe() {
		return this.description;
	}

	private static TestPostgres start() {
		String url = System.getenv(URL_VARIABLE);
		if (url != null && !url.isBlank()) {
			return external(url);
		}
		if (dockerAnswers()) {
			return container();
		}
		return embedded();
	}

	private static TestPostgres external(String url) {
		if (!JDBC_URL.matcher(url).matches()) {
			throw new IllegalStateException(URL_VARIABLE + " must be a jdbc:postgresql:// URL, not '" + url + "'");
		}
		JdbcTarget admin = new JdbcTarget(url, envOr(USERNAME_VARIABLE, "postgres"), envOr(PASSWORD_VARIABLE, ""));
		return new TestPostgres(admin, "external PostgreSQL from " + URL_VARIABLE + " at " + url, null);
	}

	private static TestPostgres container() {
		PostgreSQLContainer container = new PostgreSQLContainer(IMAGE);
		container.start();
		JdbcTarget admin = new JdbcTarget(container.getJdbcUrl(), container.getUsername(), container.getPassword());
		return new TestPostgres(admin, "Testcontainers " + IMAGE + " at " + container.getJdbcUrl(), container::stop);
	}

	private static TestPostgres embedded() {
		// zonky logs each line PostgreSQL prints at INFO; those lines go to a file instead.
		LoggingSystem.get(TestPostgres.class.getClassLoader()).setLogLevel("io.zonky.test.db.postgres", LogLevel.WARN);
		long startedAt = System.nanoTime();
		File serverLog = createServerLog();
		EmbeddedPostgres postgres;
		try {
			// As root, zonky runs initdb and postgres under `unshare -U`, since PostgreSQL refuses root.
			postgres = EmbeddedPostgres.builder()
				.setRegisterShutdownHook(false)
				.setOutputRedirector(Redirect.appendTo(serverLog))
				.setErrorRedirector(Redirect.appendTo(serverLog))
				.start();
		}
		catch (IOException | RuntimeException ex) {
			throw new IllegalStateException("Embedded PostgreSQL did not start; its output is in " + serverLog
					+ ". To use a server of your own instead, set " + URL_VARIABLE + ".", ex);
		}
		String url = "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/postgres";
		log.info("Embedded PostgreSQL started on port {} in {} ms; server log: {}", postgres.getPort(),
				TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedAt), serverLog);
		return new TestPostgres(new JdbcTarget(url, "postgres", ""),
				"embedded PostgreSQL (zonky) at " + url + ", server log " + serverLog, postgres);
	}

	// Testcontainers' probe tries every strategy and logs an ERROR when all fail. It is skipped when
	// nothing here even looks like a Docker engine; a wrong "no" only means the embedded server.
	private static boolean dockerAnswers() {
		return dockerMightBeThere() && DockerClientFactory.instance().isDockerAvailable();
	}

	private static boolean dockerMightBeThere() {
		if (System.getenv("DOCKER_HOST") != null || System.getProperty("os.name").startsWith("Windows")) {
			return true;
		}
		Path home = Path.of(System.getProperty("user.home"));
		List<Path> candidates = new ArrayList<>(List.of(home.resolve(".testcontainers.properties"),
				Path.of("/var/run/docker.sock"), home.resolve(".docker/run/docker.sock"),
				home.resolve(".docker/desktop/docker.sock")));
		String runtimeDir = System.getenv("XDG_RUNTIME_DIR");
		if (runtimeDir != null) {
			candidates.add(Path.of(runtimeDir, "docker.sock"));
		}
		return candidates.stream().anyMatch(Files::exists);
	}

	private void stop() {
		if (this.ownedServer == null) {
			this.createdDatabases.forEach(this::dropQuietly);
			return;
		}
		try {
			this.ownedServer.close();
		}
		catch (Exception ex) {
			log.warn("Could not stop {}", this.description, ex);
		}
	}

	// Only on a server the developer runs, so that repeated test runs do not pile up databases there.
	private void dropQuietly(String database) {
		try {
			execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
		}
		catch (IllegalStateException ex) {
			log.warn("Could not drop test database {}: {}", database, ex.getMessage());
		}
	}

	private void execute(String sql) {
		try (Connection connection = DriverManager.getConnection(this.admin.url(), this.admin.username(),
				this.admin.password()); Statement statement = connection.createStatement()) {
			statement.execute(sql);
		}
		catch (SQLException ex) {
			throw new IllegalStateException("'" + sql + "' failed on " + this.description + ": " + ex.getMessage(),
					ex);
		}
	}

	private static String withDatabase(String url, String database) {
		Matcher matcher = JDBC_URL.matcher(url);
		if (!matcher.matches()) {
			throw new IllegalStateException("Not a jdbc:postgresql:// URL: " + url);
		}
		String parameters = (matcher.group(3) != null) ? matcher.group(3) : "";
		return matcher.group(1) + "/" + database + parameters;
	}

	private static File createServerLog() {
		return TestOutput.newFile("login-etl-postgres-", ".log").toFile();
	}

	private static String envOr(String name, String fallback) {
		String value = System.getenv(name);
		return (value != null) ? value : fallback;
	}

}
