package com.loginetl.ingest;

import java.time.Duration;

import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;

import org.hibernate.validator.constraints.time.DurationMax;
import org.hibernate.validator.constraints.time.DurationMin;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * Where login events come from and where rejected ones go. Defaults live in application.yaml.
 *
 * @param queue the queue to consume: a name, or a full queue URL ({@code LOGINS_QUEUE})
 * @param deadLetterQueue where rejected messages go, unchanged, with a {@code reason} attribute: a
 * name or a URL ({@code LOGINS_DEAD_LETTER_QUEUE})
 * @param sqsTimeout how long one SQS call other than polling may take (dead-letter sends, health
 * checks)
 * @param listener how the queue is polled
 * @param sqsClient which AWS SDK client makes the SQS calls ({@code LOGINS_SQS_CLIENT})
 */
@Validated
@ConfigurationProperties("logins")
public record IngestProperties(@NotBlank String queue, @NotBlank String deadLetterQueue, @NotNull Duration sqsTimeout,
		@NotNull @Valid Listener listener, @NotNull SqsClientType sqsClient) {

	/** The AWS SDK client behind the {@code SqsAsyncClient} that the listener container and the service use. */
	public enum SqsClientType {

		/**
		 * The synchronous client with the Apache 5 HTTP client, each call on a thread of a bounded
		 * pool ({@link BlockingSqsAsyncClient}): less CPU per message.
		 */
		SYNC,

		/** The SDK's asynchronous client with its Netty HTTP client, as Spring Cloud AWS builds it. */
		ASYNC

	}

	/**
	 * @param maxMessagesPerPoll messages one poll asks for, and so the most rows one insert statement
	 * writes: above 10, SQS's limit per receive call, Spring Cloud AWS makes several receive calls at
	 * once and hands their messages on as one batch (deletions still go in calls of 10); such a poll
	 * answers when its last receive call does, so at a trickle a message can wait up to
	 * {@code pollTimeout} for its batch
	 * @param maxConcurrentMessages messages in flight at once across all polls
	 * @param pollTimeout how long one long poll waits for messages (SQS allows up to 20 s)
	 * @param shutdownTimeout how long a stopping service waits for batches in flight to finish
	 * @param visibilityTimeout how long a received message stays invisible to other consumers; it is
	 * extended while its batch is still being processed, and a message whose batch failed comes back
	 * after it
	 * @param maxProcessingTime longest time a batch's visibility is extended; a batch still in
	 * progress then is given up (logged and counted, not deleted) and SQS delivers it again
	 * @param batchingWindow how long a poll that returned less than a full batch waits before its
	 * next receive, so that at low traffic batches fill up (zero: not at all); at most this much is
	 * added to a message's lag
	 */
	public record Listener(@Min(1) @Max(100) int maxMessagesPerPoll, @Min(1) int maxConcurrentMessages,
			@NotNull @DurationMin(seconds = 1) @DurationMax(seconds = 20) Duration pollTimeout,
			@NotNull Duration shutdownTimeout,
			@NotNull @DurationMin(seconds = 3) @DurationMax(hours = 12) Duration visibilityTimeout,
			@NotNull @DurationMin(seconds = 1) @DurationMax(hours = 12) Duration maxProcessingTime,
			@NotNull @DurationMin(millis = 0) @DurationMax(seconds = 1) Duration batchingWindow) {

		/** Receive calls open at once: the concurrency limit hands out a poll's worth of permits each. */
		public int pollers() {
			return (this.maxConcurrentMessages + this.maxMessagesPerPoll - 1) / this.maxMessagesPerPoll;
		}

		/** Spring Cloud AWS refuses to start a container that polls for more than it may hold in flight. */
		@AssertTrue(message = "logins.listener.max-messages-per-poll must not be above "
				+ "logins.listener.max-concurrent-messages")
		public boolean isPollWithinConcurrency() {
			return this.maxMessagesPerPoll <= this.maxConcurrentMessages;
		}

		/** Receive calls open at once: each poll makes one per 10 messages it asks for. */
		public int receiveCalls() {
			return pollers() * ((this.maxMessagesPerPoll + 9) / 10);
		}

	}

}
