package com.loginetl.faults;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.loginetl.support.ElasticMq;
import com.loginetl.support.JdbcTarget;
import com.loginetl.support.Scenario;
import com.loginetl.support.ServiceProcess;
import com.loginetl.support.SharedServices;
import com.loginetl.support.TcpProxy;
import com.loginetl.support.Workload;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The database goes away for 30 seconds under load, behind a queue whose redrive policy moves a
 * message to a dead-letter queue after 5 receives. Received messages come back every 3 seconds,
 * so a service that kept polling would push good messages over that limit.
 */
class DatabaseOutageIT {

	private static final Pattern PORT = Pattern.compile("^(jdbc:postgresql://[^:/]+:)(\\d+)(/.*)$");

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
		JdbcTarget database = scenario.database();
		Matcher url = PORT.matcher(database.url());
		assertThat(url.matches()).as("JDBC URL with a port: %s", database.url()).isTrue();
		Workload workload = scenario.workload();
		workload.send(2_000, 20);

		try (TcpProxy proxy = TcpProxy.to(Integer.parseInt(url.group(2)))) {
			JdbcTarget throughProxy = new JdbcTarget(url.group(1) + proxy.port() + url.group(3), database.username(),
					database.password());
			scenario.environment().putAll(ServiceProcess.environmentOf(throughProxy.springProperties()));
			scenario.environment().put("LOGINS_DATABASE_RETRY_MAX_INTERVAL", "4s");
			try (ServiceProcess service = scenario.startService()) {
				AtomicBoolean stopProducer = workload.sendSteadily(100);
				await().atMost(Duration.ofSeconds(30)).until(() -> workload.rows() >= 1_000);

				proxy.cut();
				await().atMost(Duration.ofSeconds(20)).until(() -> service.status("/actuator/health/readiness") == 503);
				assertThat(service.status("/actuator/health/liveness")).isEqualTo(200);
				Thread.sleep(8_000);
				double receivedWhilePaused = service.counter("logins_received_total");
				Thread.sleep(15_000);
				assertThat(service.counter("logins_received_total")).as("messages received while the database is away")
					.isEqualTo(receivedWhilePaused);
				assertThat(service.status("/actuator/health/liveness")).isEqualTo(200);
				proxy.restore();

				await().atMost(Duration.ofSeconds(30)).until(() -> service.status("/actuator/health/readiness") == 200);
				Thread.sleep(3_000);
				stopProducer.set(true);
				workload.assertEveryValidMessageIsExactlyOneRow(Duration.ofSeconds(90));
				workload.assertEveryInvalidMessageIsDeadLettered(Duration.ofSeconds(60));
				assertThat(scenario.queues().depth(redriveQueue)).as("messages SQS moved to its redrive dead-letter queue").isZero();
				assertThat(service.counter("logins_store_failures_total")).isPositive();
			}
		}
	}

}
