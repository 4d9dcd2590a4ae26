package com.loginetl.ingest;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.awspring.cloud.sqs.listener.MessageListenerContainer;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

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
	void failedDeletionsAreLoggedOnceUntilOneSucceeds() {
		Logger logger = (Logger) LoggerFactory.getLogger(PendingDeletions.class);
		ListAppender<ILoggingEvent> lines = new ListAppender<>();
		lines.start();
		logger.addAppender(lines);
		// whatever level an earlier test in this JVM left the root logger at
		Level level = logger.getLevel();
		logger.setLevel(Level.INFO);
		try {
			this.deletions.track(CompletableFuture.failedFuture(new IllegalStateException("queue away")), 10);
			this.deletions.track(CompletableFuture.failedFuture(new IllegalStateException("queue away")), 7);
			this.deletions.track(CompletableFuture.failedFuture(new IllegalStateException("queue away")), 3);
			this.deletions.track(CompletableFuture.completedFuture(null), 10);
			this.deletions.track(CompletableFuture.completedFuture(null), 10);
			this.deletions.track(CompletableFuture.failedFuture(new IllegalStateException("queue away")), 4);
		}
		finally {
			logger.setLevel(level);
			logger.detachAppender(lines);
		}

		// the INFO and WARN lines: one per change of state, not one per batch
		List<String> shown = lines.list.stream()
			.filter((line) -> line.getLevel().isGreaterOrEqual(Level.INFO))
			.map((line) -> line.getLevel() + " " + line.getFormattedMessage())
			.toList();
		assertThat(shown).hasSize(3);
		assertThat(shown.get(0)).startsWith("WARN Could not delete 10 processed messages from the queue (IllegalStateException)");
		assertThat(shown.get(1)).isEqualTo("INFO Deletions from the queue succeed again");
		assertThat(shown.get(2)).startsWith("WARN Could not delete 4 processed messages");
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
				Duration.ofSeconds(10), shutdownTimeout, Duration.ofSeconds(30), Duration.ofMinutes(3), Duration.ZERO),
				IngestProperties.SqsClientType.SYNC);
	}

}
