package com.loginetl.storage;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import com.loginetl.masking.Keysets;
import com.loginetl.storage.DatabaseTlsProperties.SslMode;
import com.loginetl.support.FailedStart;
import com.loginetl.support.JdbcTarget;
import com.loginetl.support.ServiceProcess;
import com.loginetl.support.TestPostgres;
import com.loginetl.support.TestQueues;
import com.loginetl.support.TlsPostgres;
import com.loginetl.support.Workload;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code LOGINS_DATABASE_SSL_MODE} and {@code LOGINS_DATABASE_SSL_ROOT_CERT} on the packaged
 * service, against an embedded PostgreSQL serving TLS with a certificate for {@code localhost}
 * from a CA made by the test ({@link TlsPostgres}): verify-full connects and encrypts; another CA,
 * another host name, a missing CA file and a server without TLS each stop start-up with a short
 * report naming the settings.
 */
class DatabaseTlsIT {

	private static TlsPostgres server;

	private static TestQueues queues;

	private static String keyset;

	@BeforeAll
	static void start() {
		server = TlsPostgres.start();
		queues = TestQueues.create("tls-" + UUID.randomUUID(), Map.of());
		keyset = Keysets.generate();
	}

	@AfterAll
	static void stop() throws Exception {
		if (server != null) {
			server.close();
		}
	}

	@Test
	void verifyFullWithTheServersCaConnectsEncrypted() throws Exception {
		JdbcTarget database = server.newDatabase("localhost");
		Properties tls = new Properties();
		new DatabaseTls(new DatabaseTlsProperties(SslMode.VERIFY_FULL, server.caFile())).applyTo(tls);
		tls.setProperty("user", database.username());
		tls.setProperty("password", database.password());
		try (Connection connection = DriverManager.getConnection(database.url(), tls);
				Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery("select ssl from pg_stat_ssl where pid = pg_backend_pid()")) {
			assertThat(result.next()).isTrue();
			assertThat(result.getBoolean(1)).as("this session is encrypted").isTrue();
		}

		Map<String, String> environment = environment(database, "verify-full", server.caFile());
		environment.put("LOGINS_SQS_TIMEOUT", "15s");
		try (ServiceProcess service = ServiceProcess.start(environment, "-Xmx256m")) {
			service.awaitReady(Duration.ofSeconds(240));
			Workload workload = new Workload(queues, database, keyset);
			workload.send(5, 0);
			workload.assertEveryValidMessageIsExactlyOneRow(Duration.ofSeconds(60));
			JdbcClient admin = JdbcClient.create(new DriverManagerDataSource(
					database.url().replaceFirst("/[^/]+$", "/postgres"), database.username(), database.password()));
			Map<String, Object> sessions = admin.sql("""
					SELECT count(*) AS sessions, bool_and(s.ssl) AS encrypted
					FROM pg_stat_ssl s JOIN pg_stat_activity a ON a.pid = s.pid
					WHERE a.datname = ? AND a.backend_type = 'client backend'""")
				.param(database.url().replaceFirst("^.*/", ""))
				.query()
				.singleRow();
			assertThat((Long) sessions.get("sessions")).as("the service's sessions").isPositive();
			assertThat(sessions.get("encrypted")).as("all of them encrypted").isEqualTo(true);
		}
	}

	@Test
	void aCertificateOfAnotherCaStopsStartUp() {
		Path otherCa = server.otherCaFile();
		String report = FailedStart.report(environment(server.newDatabase("localhost"), "verify-full", otherCa));

		assertThat(report).contains("presented a certificate that the CA bundle " + otherCa,
				"named by logins.database.ssl-root-cert (LOGINS_DATABASE_SSL_ROOT_CERT)", "does not vouch for",
				"The TLS mode is 'verify-full', set by logins.database.ssl-mode (LOGINS_DATABASE_SSL_MODE).");
		assertShort(report);
	}

	@Test
	void aHostNameTheCertificateDoesNotNameStopsStartUp() {
		String report = FailedStart.report(environment(server.newDatabase("127.0.0.1"), "verify-full", server.caFile()));

		assertThat(report).contains("The database server's certificate does not name the host '127.0.0.1'",
				"spring.datasource.url (SPRING_DATASOURCE_URL)",
				"The TLS mode is 'verify-full', set by logins.database.ssl-mode (LOGINS_DATABASE_SSL_MODE).");
		assertShort(report);
	}

	@Test
	void aMissingCaFileStopsStartUp() {
		Path missing = server.caFile().resolveSibling("no-such-bundle.pem");
		String report = FailedStart.report(environment(server.newDatabase("localhost"), "verify-full", missing));

		assertThat(report).contains("The CA bundle " + missing
				+ ", named by logins.database.ssl-root-cert (LOGINS_DATABASE_SSL_ROOT_CERT), does not exist.");
		assertShort(report);
	}

	@Test
	void aServerWithoutTlsIsRefusedWhenTlsIsRequired() {
		String report = FailedStart.report(environment(TestPostgres.instance().newDatabase(), "require", null));

		assertThat(report).contains("does not offer TLS, and the TLS mode is 'require', "
				+ "set by logins.database.ssl-mode (LOGINS_DATABASE_SSL_MODE).");
		assertShort(report);
	}

	/** Spring Boot's frame, one paragraph of description and one of action: nothing else. */
	private static void assertShort(String report) {
		assertThat(report.lines().filter((line) -> !line.isBlank()).count()).as("a short report:%n%s", report)
			.isEqualTo(6);
	}

	private static Map<String, String> environment(JdbcTarget database, String mode, Path caFile) {
		Map<String, String> environment = new HashMap<>(ServiceProcess.environment(queues, database, keyset));
		environment.put("LOGINS_SQS_TIMEOUT", "30s");
		environment.put("LOGINS_DATABASE_SSL_MODE", mode);
		if (caFile != null) {
			environment.put("LOGINS_DATABASE_SSL_ROOT_CERT", caFile.toString());
		}
		return environment;
	}

}
