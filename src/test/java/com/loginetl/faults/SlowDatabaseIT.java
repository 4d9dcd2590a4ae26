package com.loginetl.faults;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;

import com.loginetl.support.JdbcTarget;
import com.loginetl.support.Scenario;
import com.loginetl.support.ServiceProcess;
import com.loginetl.support.Workload;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A batch that takes longer than the visibility timeout (here: the table is locked for 12 s,
 * visibility is 3 s) is kept invisible while it works, so SQS never hands its messages to another
 * poller: each message is received once and no row is attempted twice.
 */
class SlowDatabaseIT {

	@Test
	void aBatchSlowerThanTheVisibilityTimeoutIsNotProcessedTwice() throws Exception {
		Scenario scenario = Scenario.create("slow-db");
		JdbcTarget database = scenario.database();
		Workload workload = scenario.workload();

		try (ServiceProcess service = scenario.startService()) {
			try (Connection lock = DriverManager.getConnection(database.url(), database.username(), database.password());
					Statement statement = lock.createStatement()) {
				lock.setAutoCommit(false);
				statement.execute("LOCK TABLE user_logins IN ACCESS EXCLUSIVE MODE");
				workload.send(30, 0);
				Thread.sleep(12_000);
				lock.commit();
			}
			workload.assertEveryValidMessageIsExactlyOneRow(Duration.ofSeconds(30));
			assertThat(service.counter("logins_received_total")).as("receives").isEqualTo(30);
			assertThat(service.counter("logins_duplicates_total")).isZero();
		}
	}

}
