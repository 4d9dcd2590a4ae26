package com.loginetl.faults;

import java.time.Duration;

import com.loginetl.support.Scenario;
import com.loginetl.support.ServiceProcess;
import com.loginetl.support.Workload;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * kill -9 in the middle of a stream, then a restart: the batches that were in flight come back
 * after their visibility timeout, and those whose rows were already committed are skipped. A
 * rejected message may reach the dead-letter queue twice, always with the same reason.
 */
class CrashAndRestartIT {

	@Test
	void afterAKillAndARestartEveryValidMessageIsExactlyOneRow() {
		Scenario scenario = Scenario.create("crash");
		Workload workload = scenario.workload();
		workload.send(4_000, 40);

		try (ServiceProcess first = scenario.startService()) {
			await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() -> workload.rows() >= 800);
			first.kill();
		}
		assertThat(workload.rows()).as("rows when killed").isLessThan(workload.validCount());

		try (ServiceProcess second = scenario.startService()) {
			workload.assertEveryValidMessageIsExactlyOneRow(Duration.ofSeconds(90));
			workload.assertEveryInvalidMessageIsDeadLetteredAtLeastOnce(Duration.ofSeconds(60));
			await().atMost(Duration.ofSeconds(30)).until(() -> scenario.queues().sourceDepth() == 0);
		}
	}

}
