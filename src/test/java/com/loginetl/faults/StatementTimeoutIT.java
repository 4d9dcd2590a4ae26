package com.loginetl.faults;

import java.time.Duration;

import com.loginetl.support.Scenario;
import com.loginetl.support.ServiceProcess;
import com.loginetl.support.Workload;
import org.junit.jupiter.api.Test;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * docs/configuration.md: "a statement cancelled by [statement_timeout] (SQLSTATE 57014) is handled
 * as an outage". A trigger of the test's own database sleeps 2 s on each inserted row, longer than
 * the service's statement timeout (1 s here), so the server cancels every insert; no lock is
 * involved, so it is the statement timeout and not the lock timeout that ends it. The batches are
 * not deleted and not dead-lettered, polling pauses and resumes after each probe; once the trigger
 * is dropped, every message becomes its row.
 */
class StatementTimeoutIT {

	@Test
	void aStatementTheServerCancelsIsAnOutageNotARefusedRow() throws Exception {
		Scenario scenario = Scenario.create("db-statement-timeout");
		scenario.database().migrate();
		JdbcClient admin = JdbcClient.create(new DriverManagerDataSource(scenario.database().url(),
				scenario.database().username(), scenario.database().password()));
		admin.sql("""
				CREATE FUNCTION slow_insert() RETURNS trigger LANGUAGE plpgsql AS $$
				BEGIN
					PERFORM pg_sleep(2);
					RETURN NEW;
				END $$""").update();
		admin.sql("CREATE TRIGGER slow_insert BEFORE INSERT ON user_logins FOR EACH ROW EXECUTE FUNCTION slow_insert()")
			.update();
		scenario.environment().put("LOGINS_DATABASE_STATEMENT_TIMEOUT", "1s");
		scenario.environment().put("LOGINS_DATABASE_LOCK_TIMEOUT", "500ms");
		Workload workload = scenario.workload();

		try (ServiceProcess service = scenario.startService()) {
			workload.send(10, 0);

			// Each batch: cancelled after 1 s, a probe after about 1 s finds the database, the batch
			// comes back after the 3 s visibility timeout and is cancelled again.
			await().atMost(Duration.ofSeconds(120))
				.untilAsserted(() -> assertThat(service.counter("logins_store_failures_total"))
					.as("batches the database did not take")
					.isGreaterThanOrEqualTo(3));
			assertThat(service.output()).contains("Database unavailable (").contains("SQLSTATE 57014");
			assertThat(service.scrape().valueOrZero("logins_rejected_total")).as("dead-lettered").isZero();
			assertThat(scenario.queues().depth(scenario.queues().deadLetterQueueUrl())).as("dead-letter queue").isZero();
			assertThat(workload.rows()).as("rows while every insert is cancelled").isZero();
			assertThat(scenario.queues().sourceDepth()).as("messages still on the queue").isEqualTo(10);

			admin.sql("DROP TRIGGER slow_insert ON user_logins").update();

			workload.assertEveryValidMessageIsExactlyOneRow(Duration.ofSeconds(90));
			assertThat(service.scrape().valueOrZero("logins_rejected_total")).as("dead-lettered").isZero();
			assertThat(scenario.queues().depth(scenario.queues().deadLetterQueueUrl())).as("dead-letter queue").isZero();
			await().atMost(Duration.ofSeconds(30)).until(() -> scenario.queues().sourceDepth() == 0);
		}
	}

}
