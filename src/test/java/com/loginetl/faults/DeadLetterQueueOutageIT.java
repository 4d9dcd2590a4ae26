package com.loginetl.faults;

import java.time.Duration;

import com.loginetl.support.Scenario;
import com.loginetl.support.ServiceProcess;
import com.loginetl.support.TestQueues;
import com.loginetl.support.Workload;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The dead-letter queue disappears: rejected messages stay on the source queue (they are deleted
 * only once the dead-letter queue has them), the failures are counted, and when the queue is back
 * they get there on their next delivery.
 */
class DeadLetterQueueOutageIT {

	@Test
	void aRejectedMessageStaysQueuedUntilTheDeadLetterQueueTakesIt() {
		Scenario scenario = Scenario.create("dlq-outage");
		TestQueues queues = scenario.queues();
		Workload workload = scenario.workload();

		try (ServiceProcess service = scenario.startService()) {
			queues.sqs().client().deleteQueue((request) -> request.queueUrl(queues.deadLetterQueueUrl()));
			workload.send(5, 5);

			await().atMost(Duration.ofSeconds(30)).until(() -> service.counter("logins_dead_letter_failures_total") >= 10);
			assertThat(workload.rows()).isEqualTo(5);
			assertThat(queues.sourceDepth()).as("rejected messages still on the source queue").isEqualTo(5);
			assertThat(service.status("/actuator/health/readiness")).isEqualTo(503);

			queues.sqs().createQueue("dlq-outage-dlq");
			workload.assertEveryInvalidMessageIsDeadLettered(Duration.ofSeconds(30));
			workload.assertEveryValidMessageIsExactlyOneRow(Duration.ofSeconds(10));
			await().atMost(Duration.ofSeconds(30)).until(() -> queues.sourceDepth() == 0);
		}
	}

}
