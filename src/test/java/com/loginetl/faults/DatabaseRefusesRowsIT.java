package com.loginetl.faults;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.loginetl.support.DeadLetterBodies;
import com.loginetl.support.JdbcTarget;
import com.loginetl.support.SampleEvents;
import com.loginetl.support.Scenario;
import com.loginetl.support.ServiceProcess;
import com.loginetl.support.TestQueues;
import com.loginetl.support.Workload;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The database refuses writes while it answers {@code SELECT 1}: first because of the data of
 * some rows (a constraint and a trigger of the test's own database refuse chosen user ids, with
 * SQLSTATE classes 23 and 22), then because the service's user lost its INSERT grant (42501).
 */
class DatabaseRefusesRowsIT {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final Pattern RECOVERED = Pattern.compile("Database answers again after (\\d+) s");

	/**
	 * Ten messages, received as one batch, four of which the database refuses: those four go to
	 * the dead-letter queue with {@code database_rejected:<SQLSTATE>}, bodies unchanged, and the
	 * other six are written. It is not an outage: nothing fails to store, readiness stays UP.
	 */
	@Test
	void rowsTheDatabaseRefusesAreDeadLetteredAndTheRestOfTheirBatchIsWritten() {
		Scenario scenario = Scenario.create("db-refuses");
		// One poll of ten: the ten messages waiting at start-up are one batch.
		scenario.environment().put("LOGINS_LISTENER_MAX_CONCURRENT_MESSAGES", "10");
		TestQueues queues = scenario.queues();
		JdbcClient admin = migrate(scenario.database());
		admin.sql("ALTER TABLE user_logins ADD CONSTRAINT refuse_23 CHECK (user_id NOT LIKE 'refuse-23-%')").update();
		// A genuine data error: the third part of such a user_id is not an integer (22P02).
		admin.sql("""
				CREATE FUNCTION refuse_22() RETURNS trigger LANGUAGE plpgsql AS $$
				BEGIN
					IF NEW.user_id LIKE 'refuse-22-%' THEN
						PERFORM split_part(NEW.user_id, '-', 3)::integer;
					END IF;
					RETURN NEW;
				END $$""").update();
		admin.sql("CREATE TRIGGER refuse_22 BEFORE INSERT ON user_logins FOR EACH ROW EXECUTE FUNCTION refuse_22()")
			.update();
		List<String> users = List.of("good-0", "refuse-23-a", "good-1", "refuse-22-a", "good-2", "good-3",
				"refuse-23-b", "good-4", "refuse-22-b", "good-5");
		List<String> bodies = users.stream()
			.map((user) -> SampleEvents.event(user, "1.0", "ios", "10.3.3.3", null, "333-33-3333"))
			.toList();
		List<String> ids = queues.sendAll(bodies);
		Map<String, String> expectedReasons = new HashMap<>();
		Map<String, String> expectedRows = new HashMap<>();
		for (int i = 0; i < users.size(); i++) {
			String user = users.get(i);
			if (user.startsWith("refuse-23-")) {
				expectedReasons.put(ids.get(i), "database_rejected:23514");
			}
			else if (user.startsWith("refuse-22-")) {
				expectedReasons.put(ids.get(i), "database_rejected:22P02");
			}
			else {
				expectedRows.put(ids.get(i), user);
			}
		}

		try (ServiceProcess service = scenario.startService()) {
			await().atMost(Duration.ofSeconds(30)).until(() -> queues.sourceDepth() == 0);
			List<Message> deadLetters = queues.takeDeadLettersUntilQuiet(Duration.ofSeconds(3));

			Map<String, String> reasons = new HashMap<>();
			deadLetters.forEach((dead) -> {
				String source = dead.messageAttributes().get("source_message_id").stringValue();
				assertThat(reasons.put(source, dead.messageAttributes().get("reason").stringValue()))
					.as("an earlier dead letter of %s", source)
					.isNull();
				assertThat(DeadLetterBodies.open(scenario.environment().get("LOGINS_MASKING_KEYSET"), dead))
					.isEqualTo(bodies.get(ids.indexOf(source)));
			});
			assertThat(reasons).isEqualTo(expectedReasons);
			Map<String, String> rows = new HashMap<>();
			admin.sql("SELECT sqs_message_id, user_id FROM user_logins")
				.query((row, n) -> Map.entry(row.getString(1), row.getString(2)))
				.list()
				.forEach((row) -> rows.put(row.getKey(), row.getValue()));
			assertThat(rows).isEqualTo(expectedRows);
			assertThat(service.counter("logins_batch_seconds_count")).as("batches stored").isEqualTo(1);
			assertThat(service.counter("logins_received_total")).as("received").isEqualTo(10);
			assertThat(service.counter("logins_written_total")).as("written").isEqualTo(6);
			assertThat(service.counter("logins_rejected_total", "reason", "database_rejected:23514")).isEqualTo(2);
			assertThat(service.counter("logins_rejected_total", "reason", "database_rejected:22P02")).isEqualTo(2);
			assertThat(service.counter("logins_rejected_total")).as("all rejections").isEqualTo(4);
			assertThat(service.counter("logins_store_failures_total")).as("store failures").isZero();
			assertThat(service.status("/actuator/health/readiness")).isEqualTo(200);
			assertThat(service.output()).contains("(SQLSTATE 23514)", "(SQLSTATE 22P02)");
		}
	}

	/**
	 * INSERT is revoked from the service's user: every batch fails with 42501, which says nothing
	 * about the rows, so the service treats it as an outage. {@code SELECT 1} still answers, so
	 * each probe succeeds at once, polling resumes, the next batch fails again; the wait before
	 * the probe keeps doubling because failures follow recoveries closely. Nothing is
	 * dead-lettered and nothing is lost: once the grant is back, every message becomes its row.
	 */
	@Test
	void aRevokedInsertGrantPausesAndRetriesWithGrowingWaitsAndLosesNothing() throws Exception {
		Scenario scenario = Scenario.create("db-revoked");
		JdbcTarget owner = scenario.database();
		JdbcClient admin = migrate(owner);
		String role = "login_etl_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
		String password = UUID.randomUUID().toString();
		String databaseName = owner.url().replaceFirst("^.*/([^/?]+)(\\?.*)?$", "$1");
		admin.sql("CREATE ROLE " + role + " LOGIN PASSWORD '" + password + "'").update();
		admin.sql("GRANT CONNECT ON DATABASE " + databaseName + " TO " + role).update();
		admin.sql("GRANT USAGE ON SCHEMA public TO " + role).update();
		admin.sql("GRANT SELECT ON flyway_schema_history TO " + role).update();
		admin.sql("GRANT SELECT, INSERT ON user_logins TO " + role).update();
		JdbcTarget service = new JdbcTarget(owner.url(), role, password);
		scenario.environment().putAll(ServiceProcess.environmentOf(service.springProperties()));
		// The schema owner, which migrates and maintains partitions, is the table's owner.
		scenario.environment().put("SPRING_FLYWAY_USER", owner.username());
		scenario.environment().put("SPRING_FLYWAY_PASSWORD", owner.password());
		Workload workload = scenario.workload();

		try (ServiceProcess process = scenario.startService()) {
			workload.send(50, 0);
			await().atMost(Duration.ofSeconds(30)).until(() -> workload.rows() == 50);

			admin.sql("REVOKE INSERT ON user_logins FROM " + role).update();
			workload.send(50, 0);
			// DOWN only while a wait before the probe lasts (1 s, then 2 s, ...), so ask often.
			await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
				var readiness = process.get("/actuator/health/readiness");
				assertThat(readiness.statusCode()).isEqualTo(503);
				JsonNode components = JSON.readTree(readiness.body()).path("components");
				assertThat(components.path("ingest").path("status").asString()).as("ingest").isEqualTo("DOWN");
				assertThat(components.path("database").path("status").asString()).as("database").isEqualTo("UP");
			});
			// Three failures and recoveries: waits of about 1, 2 and 4 s. The failed messages come back
			// after the 3 s visibility timeout, well within the default 30 s longest wait, so the
			// waits keep doubling.
			await().atMost(Duration.ofSeconds(120)).until(() -> recoveries(process).size() >= 3);
			assertThat(workload.rows()).as("rows while INSERT is revoked").isEqualTo(50);
			assertThat(scenario.queues().sourceDepth()).as("messages still on the queue").isEqualTo(50);
			assertThat(process.counter("logins_store_failures_total")).isGreaterThanOrEqualTo(3);
			assertThat(process.scrape().valueOrZero("logins_rejected_total")).as("dead-lettered").isZero();
			List<Integer> waits = recoveries(process);
			assertThat(waits).as("seconds from each failure to the probe that reopened polling").isSorted();
			assertThat(waits.get(2)).isGreaterThan(waits.get(0));
			assertThat(process.output()).contains("Database unavailable (BadSqlGrammarException, SQLSTATE 42501");

			admin.sql("GRANT INSERT ON user_logins TO " + role).update();
			workload.assertEveryValidMessageIsExactlyOneRow(Duration.ofSeconds(90));
			workload.assertEveryInvalidMessageIsDeadLettered(Duration.ofSeconds(30));
			assertThat(process.scrape().valueOrZero("logins_rejected_total")).as("dead-lettered").isZero();
			await().atMost(Duration.ofSeconds(30)).until(() -> process.status("/actuator/health/readiness") == 200);
		}
	}

	/** The schema as the service would migrate it, made by the database's owner; returns a client as the owner. */
	private static JdbcClient migrate(JdbcTarget database) {
		database.migrate();
		return JdbcClient.create(new DriverManagerDataSource(database.url(), database.username(), database.password()));
	}

	private static List<Integer> recoveries(ServiceProcess service) {
		List<Integer> seconds = new ArrayList<>();
		Matcher matcher = RECOVERED.matcher(service.output());
		while (matcher.find()) {
			seconds.add(Integer.parseInt(matcher.group(1)));
		}
		return seconds;
	}

}
