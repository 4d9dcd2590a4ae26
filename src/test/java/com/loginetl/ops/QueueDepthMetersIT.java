package com.loginetl.ops;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.loginetl.support.LoginEtlIntegrationTest;
import com.loginetl.support.TestQueues;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsClient;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The {@code logins_queue_messages} gauges show both queues' depths by state, as SQS reports them,
 * refreshed in the background, and NaN while a queue cannot be read.
 */
@LoginEtlIntegrationTest
@TestPropertySource(properties = "logins.queue-depth-interval=1s")
@DirtiesContext
class QueueDepthMetersIT {

	private final HttpClient http = HttpClient.newHttpClient();

	@LocalManagementPort
	int port;

	@Autowired
	TestQueues queues;

	@Test
	void gaugesFollowBothQueuesByStateAndShowNanWhileAQueueCannotBeRead() throws Exception {
		SqsClient sqs = this.queues.sqs().client();
		// Delayed on the source queue (the service cannot take them yet); visible and in flight on
		// the dead-letter queue, which the service only writes to.
		for (int i = 0; i < 3; i++) {
			sqs.sendMessage((request) -> request.queueUrl(this.queues.queueUrl()).messageBody("{}").delaySeconds(900));
		}
		for (int i = 0; i < 5; i++) {
			sqs.sendMessage((request) -> request.queueUrl(this.queues.deadLetterQueueUrl()).messageBody("{}"));
		}
		sqs.receiveMessage((request) -> request.queueUrl(this.queues.deadLetterQueueUrl())
			.maxNumberOfMessages(2)
			.visibilityTimeout(600));

		await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
			assertThat(gauge("source", "delayed")).isEqualTo(3);
			assertThat(gauge("source", "visible")).isZero();
			assertThat(gauge("source", "in_flight")).isZero();
			assertThat(gauge("dead-letter", "visible")).isEqualTo(3);
			assertThat(gauge("dead-letter", "in_flight")).isEqualTo(2);
			assertThat(gauge("dead-letter", "delayed")).isZero();
		});

		sqs.deleteQueue((request) -> request.queueUrl(this.queues.deadLetterQueueUrl()));
		await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
			assertThat(gauge("dead-letter", "visible")).isNaN();
			assertThat(gauge("source", "delayed")).isEqualTo(3);
		});

		String name = this.queues.deadLetterQueueUrl().substring(this.queues.deadLetterQueueUrl().lastIndexOf('/') + 1);
		assertThat(this.queues.sqs().createQueue(name)).isEqualTo(this.queues.deadLetterQueueUrl());
		await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(gauge("dead-letter", "visible")).isZero());
	}

	private double gauge(String queue, String state) throws IOException, InterruptedException {
		String scrape = this.http
			.send(HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + "/actuator/prometheus")).build(),
					HttpResponse.BodyHandlers.ofString())
			.body();
		Matcher matcher = Pattern
			.compile("(?m)^logins_queue_messages\\{application=\"login-etl\",queue=\"" + queue + "\",state=\"" + state
					+ "\"} (\\S+)$")
			.matcher(scrape);
		assertThat(matcher.find()).as("logins_queue_messages for %s %s in%n%s", queue, state, scrape).isTrue();
		return Double.parseDouble(matcher.group(1));
	}

}
