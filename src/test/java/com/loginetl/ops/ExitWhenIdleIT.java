package com.loginetl.ops;

import java.time.Duration;

import com.loginetl.support.SampleEvents;
import com.loginetl.support.Scenario;
import com.loginetl.support.ServiceProcess;
import com.loginetl.support.TestQueues;
import com.loginetl.support.Workload;
import org.junit.jupiter.api.Test;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code logins.exit-when-idle}, as the chart's CronJob mode runs the service: against a preloaded
 * queue it writes every row, dead-letters every invalid message, waits for a delayed message, and
 * exits 0 once the queue has stayed empty that long.
 */
class ExitWhenIdleIT {

	private static final Duration IDLE = Duration.ofSeconds(4);

	private static final int DELAY_SECONDS = 12;

	@Test
	void drainsAPreloadedQueueThenExitsZeroOnceItStayedEmpty() {
		Scenario scenario = Scenario.create("exit-when-idle");
		Workload workload = scenario.workload();
		TestQueues queues = scenario.queues();
		workload.send(1_500, 30);
		// Not receivable for a while: an empty-looking queue with this one pending is not idle.
		long delayedSentAt = System.nanoTime();
		String delayed = queues.sqs().client().sendMessage((request) -> request.queueUrl(queues.queueUrl())
			.messageBody(SampleEvents.event("late-user", "1.0", "ios", "10.9.9.9", "EN", "late"))
			.delaySeconds(DELAY_SECONDS)).messageId();
		scenario.environment().put("LOGINS_EXIT_WHEN_IDLE", IDLE.toSeconds() + "s");

		long started = System.nanoTime();
		int exit;
		String output;
		try (ServiceProcess service = ServiceProcess.start(scenario.environment(), "-Xmx256m")) {
			exit = service.awaitExit(Duration.ofSeconds(150));
			output = service.output();
		}
		Duration sinceDelayedSend = Duration.ofNanos(System.nanoTime() - delayedSentAt);
		Duration toExit = Duration.ofNanos(System.nanoTime() - started);

		assertThat(exit).as("exit status; output:%n%s", output).isZero();
		assertThat(output).contains("no message for PT4S (logins.exit-when-idle); stopping");
		// It cannot have seen the queue idle before the delayed message came and went.
		assertThat(sinceDelayedSend).isGreaterThanOrEqualTo(Duration.ofSeconds(DELAY_SECONDS).plus(IDLE));
		assertThat(queues.sourceDepth()).as("left on the queue").isZero();
		assertThat(queues.inFlight()).isZero();
		JdbcClient database = JdbcClient.create(new DriverManagerDataSource(scenario.database().url(),
				scenario.database().username(), scenario.database().password()));
		assertThat(database.sql("SELECT count(*) FROM user_logins WHERE sqs_message_id = ?")
			.param(delayed)
			.query(Long.class)
			.single()).isOne();
		assertThat(workload.rows()).isEqualTo(workload.validCount() + 1);
		workload.assertEveryInvalidMessageIsDeadLettered(Duration.ofSeconds(30));
		System.out.printf("exit-when-idle: 1,531 messages drained, exit 0 after %.1f s from start%n",
				toExit.toMillis() / 1000.0);
	}

}
