package com.loginetl.deploy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.loginetl.support.ElasticMq;
import com.loginetl.support.SampleEvents;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * compose/sqs_relay.py, the one-shot that moves the take-home's events to the SQS server the
 * service reads in docker-compose.yml, run with python3 between two real SQS servers (ElasticMQ,
 * which speaks the same query protocol as the take-home's LocalStack).
 */
@ExternalTools
class ComposeRelayTest {

	private ElasticMq source;

	private ElasticMq target;

	@BeforeEach
	void startServers() {
		Commands.require("python3", "Install Python 3 (Debian: apt-get install -y python3).");
		this.source = ElasticMq.start(0);
		this.target = ElasticMq.start(0);
	}

	@AfterEach
	void stopServers() {
		this.source.stop();
		this.target.stop();
	}

	@Test
	void movesEveryEventUnchangedAndEmptiesTheSource() {
		String from = this.source.createQueue("login-queue");
		String to = this.target.createQueue("login-queue");
		List<String> events = SampleEvents.takeHome();
		events.forEach((body) -> this.source.client().sendMessage((request) -> request.queueUrl(from).messageBody(body)));

		Commands.Result relay = relay(from, to, "30");

		assertThat(relay.exitCode()).as(relay.describe()).isZero();
		assertThat(relay.stdout()).contains("moved " + events.size() + " messages");
		assertThat(receiveAll(this.target, to)).containsExactlyInAnyOrderElementsOf(events);
		assertThat(this.source.client()
			.getQueueAttributes((request) -> request.queueUrl(from).attributeNames(QueueAttributeName.ALL))
			.attributes()).containsEntry(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, "0")
			.containsEntry(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE, "0");
	}

	@Test
	void failsAndMovesNothingWhenTheTargetQueueIsMissing() {
		String from = this.source.createQueue("login-queue");
		this.source.client().sendMessage((request) -> request.queueUrl(from).messageBody(SampleEvents.WRONG_TYPE));

		Commands.Result relay = relay(from, this.target.endpoint() + "/000000000000/login-queue", "3");

		assertThat(relay.exitCode()).as(relay.describe()).isEqualTo(1);
		assertThat(relay.stdout()).contains("sqs-relay: failed:", "did not answer in time");
		assertThat(this.source.client()
			.getQueueAttributes((request) -> request.queueUrl(from)
				.attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))
			.attributes()).containsEntry(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, "1");
	}

	private static Commands.Result relay(String from, String to, String waitSeconds) {
		return Commands.run(List.of("python3", DeployFiles.file("compose/sqs_relay.py").toString()),
				DeployFiles.projectDir(), null, Duration.ofMinutes(2),
				Map.of("SOURCE_QUEUE_URL", from, "TARGET_QUEUE_URL", to, "RELAY_IDLE_SECONDS", "2",
						"RELAY_WAIT_SECONDS", waitSeconds, "AWS_ACCESS_KEY_ID", ElasticMq.ACCESS_KEY,
						"AWS_SECRET_ACCESS_KEY", ElasticMq.SECRET_KEY));
	}

	private static List<String> receiveAll(ElasticMq server, String queueUrl) {
		List<String> bodies = new ArrayList<>();
		while (true) {
			List<Message> messages = server.client()
				.receiveMessage((request) -> request.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(1))
				.messages();
			if (messages.isEmpty()) {
				return bodies;
			}
			messages.forEach((message) -> bodies.add(message.body()));
		}
	}

}
