package com.loginetl.faults;

import java.time.Duration;

import com.loginetl.support.Scenario;
import com.loginetl.support.ServiceProcess;
import com.loginetl.support.TcpProxy;
import com.loginetl.support.Workload;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * SQS stops answering the service for 20 seconds under load: polls, deletions and dead-letter
 * sends all fail. The service backs off, reports not ready, stays alive, and afterwards every
 * message has its one outcome.
 */
class SqsOutageIT {

	@Test
	void anUnreachableSqsIsWaitedOutWithoutLosingOrDoublingAnything() throws Exception {
		Scenario scenario = Scenario.create("sqs-outage");
		Workload workload = scenario.workload();
		workload.send(1_000, 20);

		try (TcpProxy proxy = scenario.sqsThroughProxy()) {
			try (ServiceProcess service = scenario.startService()) {
				Workload.SteadySender producer = workload.sendSteadily(50);
				await().atMost(Duration.ofSeconds(30)).until(() -> workload.rows() >= 500);

				proxy.cut();
				await().atMost(Duration.ofSeconds(20)).until(() -> service.status("/actuator/health/readiness") == 503);
				assertThat(service.status("/actuator/health/liveness")).isEqualTo(200);
				Thread.sleep(20_000);
				assertThat(service.status("/actuator/health/liveness")).isEqualTo(200);
				proxy.restore();

				await().atMost(Duration.ofSeconds(60)).until(() -> service.status("/actuator/health/readiness") == 200);
				Thread.sleep(3_000);
				producer.stop();
				workload.assertEveryValidMessageIsExactlyOneRow(Duration.ofSeconds(90));
				workload.assertEveryInvalidMessageIsDeadLetteredAtLeastOnce(Duration.ofSeconds(60));
				await().atMost(Duration.ofSeconds(30)).until(() -> scenario.queues().sourceDepth() == 0);
			}
		}
	}

}
