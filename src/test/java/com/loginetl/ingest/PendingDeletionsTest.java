package com.loginetl.ingest;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import io.awspring.cloud.sqs.listener.MessageListenerContainer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class PendingDeletionsTest {

	private final PendingDeletions deletions = new PendingDeletions(properties(Duration.ofSeconds(60)));

	@Test
	void stopWaitsUntilEveryDeletionHasAnswered() {
		CompletableFuture<Void> first = new CompletableFuture<>();
		CompletableFuture<Void> second = new CompletableFuture<>();
		this.deletions.start();
		this.deletions.track(first, 10);
		this.deletions.track(second, 3);

		CompletableFuture<Void> stopping = CompletableFuture.runAsync(this.deletions::stop);
		first.complete(null);

		// with one deletion unanswered, stop has not returned (it would, after 60 s)
		assertThat(stopping).isNotDone();
		assertThat(this.deletions.count()).isEqualTo(1);
		second.completeExceptionally(new IllegalStateException("queue away"));
		await().atMost(Duration.ofSeconds(30)).until(stopping::isDone);
		assertThat(this.deletions.count()).isZero();
		assertThat(this.deletions.isRunning()).isFalse();
	}

	@Test
	void answeredDeletionsAreForgotten() {
		CompletableFuture<Void> deletion = new CompletableFuture<>();
		this.deletions.track(deletion, 10);
		assertThat(this.deletions.count()).isEqualTo(1);

		deletion.complete(null);

		assertThat(this.deletions.count()).isZero();
	}

	@Test
	void stopsAfterTheListenerContainers() {
		assertThat(this.deletions.getPhase()).isLessThan(MessageListenerContainer.DEFAULT_PHASE);
	}

	@Test
	void stopGivesUpAfterTheShutdownTimeout() {
		PendingDeletions quick = new PendingDeletions(properties(Duration.ofMillis(50)));
		quick.track(new CompletableFuture<>(), 10);

		quick.stop();

		assertThat(quick.count()).isEqualTo(1);
	}

	private static IngestProperties properties(Duration shutdownTimeout) {
		return new IngestProperties("q", "dlq", Duration.ofSeconds(5), new IngestProperties.Listener(10, 40,
				Duration.ofSeconds(10), shutdownTimeout, Duration.ofSeconds(30), Duration.ofMinutes(3), Duration.ZERO));
	}

}
