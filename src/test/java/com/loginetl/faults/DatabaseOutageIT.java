package com.loginetl.faults;

import java.time.Duration;
import java.util.Map;

import com.loginetl.support.ElasticMq;
import com.loginetl.support.ProxiedDatabase;
import com.loginetl.support.Scenario;
import com.loginetl.support.ServiceProcess;
import com.loginetl.support.SharedServices;
import com.loginetl.support.TcpProxy;
import com.loginetl.support.Workload;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The database goes away for 30 seconds under load, behind a queue whose redrive policy moves a
 * message to a dead-letter queue after 5 receives. Received messages come back every 3 seconds,
 * so a service that kept polling would push good messages over that limit. The outage is logged
 * as its state changes only, each once: down (with the cause's class and SQLSTATE) and back, with
 * no stack trace.
 */
class DatabaseOutageIT {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	/**
	 * How long {@code logins_received_total} must stay unchanged before polling counts as stopped:
	 * batches received just before the gate closed may still be counted for a moment.
	 */
	private static final Duration FLAT = Duration.ofSeconds(5);

	@Test
	void aLostDatabasePausesConsumptionAndAfterwardsEveryMessageIsOneRow() throws Exception {
		ElasticMq sqs = SharedServices.sqs();
		String redriveQueue = sqs.createQueue("db-outage-redrive");
		String redriveArn = sqs.client()
			.getQueueAttributes((request) -> request.queueUrl(redriveQueue).attributeNames(QueueAttributeName.QUEUE_ARN))
			.attributes()
			.get(QueueAttributeName.QUEUE_ARN);
		Scenario scenario = Scenario.create("db-outage", Map.of(QueueAttributeName.REDRIVE_POLICY,
				"{\"deadLetterTargetArn\": \"" + redriveArn + "\", \"maxReceiveCount\": \"5\"}"));
		Workload workload = scenario.workload();
		workload.send(400, 20);

		try (ProxiedDatabase database = ProxiedDatabase.in(scenario)) {
			TcpProxy proxy = database.proxy();
			scenario.environment().put("LOGINS_DATABASE_RETRY_MAX_INTERVAL", "4s");
			try (ServiceProcess service = scenario.startService();
					Workload.SteadySender producer = workload.sendSteadily(100)) {
				await().atMost(Duration.ofSeconds(60)).until(() -> workload.rows() >= 300);
				assertThat(service.counter("logins_received_total")).as("messages received before the outage")
					.isGreaterThanOrEqualTo(300);

				FaultLog log = FaultLog.from(service);
				proxy.cut();
				await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertIngestPaused(service));
				assertThat(service.status("/actuator/health/liveness")).isEqualTo(200);
				double receivedWhilePaused = awaitFlat(service, Duration.ofSeconds(45));
				Thread.sleep(15_000);
				assertThat(service.counter("logins_received_total")).as("messages received while the database is away")
					.isEqualTo(receivedWhilePaused);
				assertIngestPaused(service);
				assertThat(service.status("/actuator/health/liveness")).isEqualTo(200);
				proxy.restore();

				await().atMost(Duration.ofSeconds(60)).until(() -> service.status("/actuator/health/readiness") == 200);
				long rowsWhenBack = workload.rows();
				// Messages keep coming after the outage, and they are written too.
				await().atMost(Duration.ofSeconds(60)).until(() -> workload.rows() >= rowsWhenBack + 300);
				producer.stop();
				workload.assertEveryValidMessageIsExactlyOneRow(Duration.ofSeconds(90));
				workload.assertEveryInvalidMessageIsDeadLettered(Duration.ofSeconds(60));
				assertThat(scenario.queues().depth(redriveQueue)).as("messages SQS moved to its redrive dead-letter queue").isZero();
				assertThat(service.counter("logins_store_failures_total")).isPositive();
				// The SQLSTATE when the driver gave one; a commit on a connection the pool had already
				// found broken fails with the pool's own SQLException, which has none.
				log.assertEachOnce(
						"WARN .*Database unavailable \\([A-Za-z]+Exception, (SQLSTATE 08\\d{3}|cause SQLException\\))",
						"WARN .*Database answers again after \\d+ s");
				log.assertConciseWithoutStackTrace();
			}
		}
	}

	/** Readiness is DOWN, names the ingest as paused because the database is unavailable, and {@code database} as DOWN. */
	private static void assertIngestPaused(ServiceProcess service) throws Exception {
		var response = service.get("/actuator/health/readiness");
		assertThat(response.statusCode()).as("readiness status").isEqualTo(503);
		JsonNode ingest = JSON.readTree(response.body()).path("components").path("ingest");
		assertThat(ingest.path("status").asString()).as("ingest in %s", response.body()).isEqualTo("DOWN");
		assertThat(ingest.path("details").path("paused").asString()).as("ingest in %s", response.body())
			.startsWith("database unavailable");
		assertThat(JSON.readTree(response.body()).path("components").path("database").path("status").asString())
			.as("database in %s", response.body())
			.isEqualTo("DOWN");
	}

	/** Waits until {@code logins_received_total} stayed the same for {@link #FLAT}, and returns it. */
	private static double awaitFlat(ServiceProcess service, Duration timeout) {
		double[] last = { service.counter("logins_received_total") };
		long[] changedAt = { System.nanoTime() };
		await().atMost(timeout).pollInterval(Duration.ofMillis(500)).until(() -> {
			double now = service.counter("logins_received_total");
			if (now != last[0]) {
				last[0] = now;
				changedAt[0] = System.nanoTime();
			}
			return System.nanoTime() - changedAt[0] >= FLAT.toNanos();
		});
		return last[0];
	}

}
