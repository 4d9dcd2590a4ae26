package com.loginetl.faults;

import java.time.Duration;

import com.loginetl.support.Scenario;
import com.loginetl.support.ServiceProcess;
import com.loginetl.support.TcpProxy;
import com.loginetl.support.Workload;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * SQS stops answering the service for 20 seconds under load: polls, deletions and dead-letter
 * sends all fail. The service backs off, reports not ready because of SQS (the {@code sqs}
 * component DOWN, the database still UP), stays alive, and afterwards every message has its one
 * outcome. The outage is logged as its state changes only, each once (the first failed poll, the
 * health check failing and passing again), with no stack trace.
 */
class SqsOutageIT {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	@Test
	void anUnreachableSqsIsWaitedOutWithoutLosingOrDoublingAnything() throws Exception {
		Scenario scenario = Scenario.create("sqs-outage");
		Workload workload = scenario.workload();
		workload.send(400, 20);

		try (TcpProxy proxy = scenario.sqsThroughProxy()) {
			try (ServiceProcess service = scenario.startService()) {
				Workload.SteadySender producer = workload.sendSteadily(50);
				await().atMost(Duration.ofSeconds(30)).until(() -> workload.rows() >= 300);

				FaultLog log = FaultLog.from(service);
				proxy.cut();
				await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertNotReadyBecauseOfSqs(service));
				assertThat(service.status("/actuator/health/liveness")).isEqualTo(200);
				Thread.sleep(20_000);
				assertNotReadyBecauseOfSqs(service);
				assertThat(service.status("/actuator/health/liveness")).isEqualTo(200);
				proxy.restore();

				await().atMost(Duration.ofSeconds(60)).until(() -> service.status("/actuator/health/readiness") == 200);
				Thread.sleep(3_000);
				producer.stop();
				workload.assertEveryValidMessageIsExactlyOneRow(Duration.ofSeconds(90));
				workload.assertEveryInvalidMessageIsDeadLetteredAtLeastOnce(Duration.ofSeconds(60));
				await().atMost(Duration.ofSeconds(30)).until(() -> scenario.queues().sourceDepth() == 0);
				log.assertEachOnce("WARN .*Polling \\S+ fails \\(", "WARN .*Health check of SQS fails \\(",
						"WARN .*Health check of SQS passes again after \\d+ s");
				log.assertConciseWithoutStackTrace();
			}
		}
	}

	/** Readiness is DOWN with the {@code sqs} component DOWN and the {@code database} component UP. */
	private static void assertNotReadyBecauseOfSqs(ServiceProcess service) throws Exception {
		var response = service.get("/actuator/health/readiness");
		assertThat(response.statusCode()).as("readiness status").isEqualTo(503);
		JsonNode components = JSON.readTree(response.body()).path("components");
		assertThat(components.path("sqs").path("status").asString()).as("sqs in %s", response.body()).isEqualTo("DOWN");
		assertThat(components.path("database").path("status").asString()).as("database in %s", response.body())
			.isEqualTo("UP");
	}

}
