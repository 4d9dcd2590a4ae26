package com.loginetl.storage;

import java.time.Duration;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.loginetl.LoginEtlApplication;
import com.loginetl.masking.Keysets;
import com.loginetl.support.ElasticMq;
import com.loginetl.support.JdbcTarget;
import com.loginetl.support.SampleEvents;
import com.loginetl.support.SharedServices;
import com.loginetl.support.TestPostgres;
import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The take-home's PostgreSQL image creates user_logins before the service first starts. Flyway
 * must adopt that table, keep its rows, and evolve it like a table it created itself, into the
 * table partitioned by month.
 */
class TakeHomeDatabaseMigrationIT {

	@Test
	void aTableCreatedBeforeTheServiceIsBaselinedMigratedAndKeepsItsRows() {
		JdbcTarget database = TestPostgres.instance().newDatabase();
		JdbcClient jdbc = JdbcClient.create(new DriverManagerDataSource(database.url(), database.username(),
				database.password()));
		jdbc.sql("""
				CREATE TABLE user_logins(
				    user_id varchar(128), device_type varchar(32), masked_ip varchar(256),
				    masked_device_id varchar(256), locale varchar(32), app_version integer, create_date date)
				""").update();
		jdbc.sql("INSERT INTO user_logins VALUES ('old-user', 'ios', 'x', 'y', 'EN', 230, DATE '2020-01-02')")
			.update();
		jdbc.sql("INSERT INTO user_logins VALUES ('old-user-2', 'ios', 'x', 'z', 'EN', 230, DATE '2020-01-31'), "
				+ "('older-user', 'android', 'w', 'y', NULL, 1, DATE '2019-12-31'), "
				+ "('undated-user', 'android', 'w', 'y', NULL, NULL, NULL)").update();
		ElasticMq sqs = SharedServices.sqs();
		String queue = sqs.createQueue("migration-queue");
		sqs.createQueue("migration-queue-dlq");

		try (ConfigurableApplicationContext app = start(database, queue)) {
			assertThat(jdbc.sql("SELECT version, type, success FROM flyway_schema_history ORDER BY installed_rank")
				.query()
				.listOfRows()).extracting((row) -> row.get("version") + " " + row.get("type") + " " + row.get("success"))
				.containsExactly("0 BASELINE true", "1 SQL true", "2 SQL true", "3 SQL true", "4 SQL true");
			// Each month with rows has its partition, undated rows are in DEFAULT, and start-up made
			// the current month's partition and the next three.
			assertThat(jdbc.sql("SELECT user_id || ' ' || tableoid::regclass FROM user_logins ORDER BY user_id")
				.query(String.class)
				.list()).containsExactly("old-user user_logins_2020_01", "old-user-2 user_logins_2020_01",
						"older-user user_logins_2019_12", "undated-user user_logins_default");
			YearMonth now = YearMonth.now(ZoneOffset.UTC);
			assertThat(jdbc.sql("SELECT inhrelid::regclass::text FROM pg_inherits WHERE inhparent = 'user_logins'::regclass")
				.query(String.class)
				.list()).contains(partition(now), partition(now.plusMonths(1)), partition(now.plusMonths(3)));
			Map<String, Object> old = jdbc.sql("SELECT * FROM user_logins WHERE user_id = 'old-user'").query().singleRow();
			assertThat(old.get("app_version")).isEqualTo("230");
			assertThat(old.get("id")).isNotNull();
			assertThat(old.get("sqs_message_id")).isNull();

			String id = sqs.client()
				.sendMessage((request) -> request.queueUrl(queue)
					.messageBody(SampleEvents.event("new-user", "0.96", "android", "1.2.3.4", null, "1-1-1")))
				.messageId();
			await().atMost(Duration.ofSeconds(30))
				.until(() -> jdbc.sql("SELECT app_version FROM user_logins WHERE sqs_message_id = ?")
					.param(id)
					.query(String.class)
					.list(), (versions) -> versions.equals(List.of("0.96")));
		}
	}

	private static String partition(YearMonth month) {
		return "user_logins_" + month.format(DateTimeFormatter.ofPattern("yyyy_MM"));
	}

	private static ConfigurableApplicationContext start(JdbcTarget database, String queue) {
		List<String> args = new ArrayList<>(SharedServices.serviceArguments(database));
		args.addAll(List.of("--server.port=0", "--management.server.port=0", "--logins.queue=" + queue,
				"--logins.dead-letter-queue=migration-queue-dlq", "--logins.masking.keyset=" + Keysets.generate()));
		return new SpringApplicationBuilder(LoginEtlApplication.class).run(args.toArray(String[]::new));
	}

}
