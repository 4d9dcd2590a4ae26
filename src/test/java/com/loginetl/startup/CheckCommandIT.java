package com.loginetl.startup;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.loginetl.masking.Keysets;
import com.loginetl.support.DatabaseRoles;
import com.loginetl.support.JdbcTarget;
import com.loginetl.support.ServiceProcess;
import com.loginetl.support.SharedServices;
import com.loginetl.support.TestPostgres;
import com.loginetl.support.TestQueues;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code java -jar login-etl.jar check} on the packaged jar, as the image runs it: every start-up
 * check, one line each, exit 0 when all pass; several mistakes at once are each reported with the
 * report start-up gives, exit 1; and nothing is migrated, polled or opened.
 */
class CheckCommandIT {

	private static final Duration EXIT_TIMEOUT = Duration.ofMinutes(3);

	private static final String[] JVM_OPTIONS = { "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC" };

	private static TestQueues queues;

	private static String keyset;

	@BeforeAll
	static void queues() {
		queues = TestQueues.create("check-" + UUID.randomUUID(), Map.of());
		keyset = Keysets.generate();
	}

	@Test
	void everyCheckPassesWithBothRolesOnAMigratedDatabase() {
		JdbcTarget admin = TestPostgres.instance().newDatabase();
		DatabaseRoles roles = DatabaseRoles.create(admin);
		roles.owner().migrate();
		Map<String, String> environment = environment(admin);
		environment.putAll(roles.environment());
		List<String> before = admin.tables();

		Run run = check(environment);

		assertThat(run.status()).as("exit status; output in %s", run.log()).isZero();
		assertThat(run.lines()).as("output in %s", run.log())
			.allMatch((line) -> line.startsWith("ok   "))
			.hasSize(7)
			.anyMatch((line) -> line.startsWith("ok   settings: every logins.* value is valid (7 groups"))
			.anyMatch((line) -> line.startsWith("ok   masking keyset: reversible"))
			.anyMatch((line) -> line.startsWith("ok   database login as " + roles.ingest().username() + " at "))
			.anyMatch((line) -> line.startsWith("ok   schema owner " + roles.owner().username()))
			.anyMatch((line) -> line.equals("ok   ingest role " + roles.ingest().username()
					+ " may INSERT and SELECT on user_logins"))
			.anyMatch((line) -> line.startsWith("ok   source queue " + queues.queueUrl()))
			.anyMatch((line) -> line.startsWith("ok   dead-letter queue " + queues.deadLetterQueueUrl()));
		assertThat(admin.tables()).as("tables after the check").isEqualTo(before);
	}

	@Test
	void aFreshDatabaseHasNoGrantsToCheckYetAndGetsNoTable() {
		JdbcTarget database = TestPostgres.instance().newDatabase();

		Run run = check(environment(database));

		assertThat(run.status()).as("exit status; output in %s", run.log()).isZero();
		assertThat(run.lines()).as("output in %s", run.log())
			.hasSize(7)
			.filteredOn((line) -> !line.startsWith("ok   "))
			.singleElement()
			.asString()
			.startsWith("skip ingest role's grants: user_logins does not exist yet");
		assertThat(database.tables()).as("nothing migrated").isEmpty();
	}

	@Test
	void aMissingQueueAndAWrongKeysetAreEachReportedAndNothingIsChanged() {
		JdbcTarget database = TestPostgres.instance().newDatabase();
		Map<String, String> environment = environment(database);
		environment.put("LOGINS_QUEUE", "no-such-queue");
		environment.put("LOGINS_MASKING_KEYSET", "{\"primaryKeyId\": 1}");

		Run run = check(environment);

		assertThat(run.status()).as("exit status; output in %s", run.log()).isEqualTo(1);
		assertThat(run.lines()).as("output in %s", run.log())
			.contains("FAIL source queue: The source queue 'no-such-queue', named by logins.queue (LOGINS_QUEUE), "
					+ "does not exist at " + queues.sqs().endpoint() + ".")
			.contains("     Action: Create the queue, or set logins.queue (LOGINS_QUEUE) to the name or URL of an "
					+ "existing queue. The service never creates queues.")
			.anyMatch((line) -> line.startsWith("FAIL masking keyset: The masking keyset is not a valid Tink JSON keyset"))
			.anyMatch((line) -> line.startsWith("     Action: Configure the masking keyset"))
			.anyMatch((line) -> line.startsWith("ok   settings: "))
			.anyMatch((line) -> line.startsWith("ok   database login as "))
			.anyMatch((line) -> line.startsWith("ok   dead-letter queue "));
		assertThat(run.output()).as("output in %s", run.log())
			.doesNotContain("Caused by:")
			.doesNotContain("\tat ")
			.doesNotContain("Tomcat")
			.doesNotContainPattern("(?m)^\\s+at \\S+\\(");
		assertThat(database.tables()).as("nothing migrated").isEmpty();
		assertThatThrownBy(() -> SharedServices.sqs().client().getQueueUrl((request) -> request.queueName("no-such-queue")))
			.as("the check created the queue")
			.hasMessageContaining("does not exist");
	}

	@Test
	void hostNamesThatDoNotResolveAndAnInvalidSettingAreReportedEachOnce() {
		Map<String, String> environment = environment(TestPostgres.instance().newDatabase());
		environment.put("SPRING_DATASOURCE_URL", "jdbc:postgresql://db.invalid:5432/logins");
		environment.put("SPRING_CLOUD_AWS_SQS_ENDPOINT", "http://sqs.invalid:9324");
		// A setting of a bean made only after the migration: the settings check binds it anyway.
		environment.put("LOGINS_EXIT_WHEN_IDLE", "0s");

		Run run = check(environment);

		assertThat(run.status()).as("exit status; output in %s", run.log()).isEqualTo(1);
		assertThat(run.lines()).as("output in %s", run.log())
			.anyMatch((line) -> line.startsWith("FAIL database login: The database server's host name in "
					+ "spring.datasource.url (SPRING_DATASOURCE_URL), 'db.invalid', does not resolve"))
			.contains("FAIL schema owner: for the same reason as above")
			.anyMatch((line) -> line.startsWith("FAIL source queue: SQS at http://sqs.invalid:9324, named by "
					+ "spring.cloud.aws.sqs.endpoint (SPRING_CLOUD_AWS_SQS_ENDPOINT), cannot be reached: its host "
					+ "name, 'sqs.invalid', does not resolve"))
			.contains("FAIL dead-letter queue: for the same reason as above")
			.anyMatch((line) -> line.startsWith("FAIL settings: Invalid setting: logins.exit-when-idle "
					+ "(LOGINS_EXIT_WHEN_IDLE) is '0s'"))
			.anyMatch((line) -> line.startsWith("ok   masking keyset: "));
	}

	private static Map<String, String> environment(JdbcTarget database) {
		Map<String, String> environment = new HashMap<>(ServiceProcess.environment(queues, database, keyset));
		environment.put("LOGINS_SQS_TIMEOUT", "30s");
		return environment;
	}

	private static Run check(Map<String, String> environment) {
		try (ServiceProcess check = ServiceProcess.command(environment, List.of("check"), JVM_OPTIONS)) {
			int status = check.awaitExit(EXIT_TIMEOUT);
			return new Run(status, check.output(), check.log().toString());
		}
	}

	private record Run(int status, String output, String log) {

		/** The lines the command printed (the JVM prints nothing else at these settings). */
		List<String> lines() {
			return this.output.lines().filter((line) -> !line.isBlank()).toList();
		}

	}

}
