package com.loginetl.storage;

import java.time.Duration;
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
 * must adopt that table, keep its rows, and evolve it like a table it created itself.
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
		ElasticMq sqs = SharedServices.sqs();
		String queue = sqs.createQueue("migration-queue");
		sqs.createQueue("migration-queue-dlq");

		try (ConfigurableApplicationContext app = start(database, queue)) {
			assertThat(jdbc.sql("SELECT version, type, success FROM flyway_schema_history ORDER BY installed_rank")
				.query()
				.listOfRows()).extracting((row) -> row.get("version") + " " + row.get("type") + " " + row.get("success"))
				.containsExactly("0 BASELINE true", "1 SQL true", "2 SQL true", "3 SQL true");
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

	private static ConfigurableApplicationContext start(JdbcTarget database, String queue) {
		List<String> args = new ArrayList<>(SharedServices.serviceArguments(database));
		args.addAll(List.of("--server.port=0", "--logins.queue=" + queue, "--logins.dead-letter-queue=migration-queue-dlq",
				"--logins.masking.keyset=" + Keysets.generate()));
		return new SpringApplicationBuilder(LoginEtlApplication.class).run(args.toArray(String[]::new));
	}

}
