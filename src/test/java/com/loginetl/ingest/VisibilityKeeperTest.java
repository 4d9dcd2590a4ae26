package com.loginetl.ingest;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.loginetl.LogFields;
import com.loginetl.ops.LoginMetrics;
import io.awspring.cloud.sqs.listener.SqsHeaders;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import org.springframework.messaging.Message;
import org.springframework.messaging.support.MessageBuilder;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A batch given up after {@code logins.listener.max-processing-time} is logged, on the keeper's own
 * thread, with its messages' ids as a field ({@code message_ids}) and the batch's id from the
 * listener's MDC ({@code batch_id}), besides the ids in the readable message.
 */
class VisibilityKeeperTest {

	@Test
	void aGivenUpBatchIsLoggedWithItsMessageIdsAndBatchIdAsFields() {
		IngestProperties properties = new IngestProperties("q", "dlq", Duration.ofSeconds(5),
				new IngestProperties.Listener(10, 10, Duration.ofSeconds(10), Duration.ofSeconds(20),
						Duration.ofSeconds(3), Duration.ofSeconds(1), Duration.ZERO),
				IngestProperties.SqsClientType.SYNC);
		VisibilityKeeper keeper = new VisibilityKeeper(properties, new LoginMetrics(new SimpleMeterRegistry()));
		String first = UUID.randomUUID().toString();
		String second = UUID.randomUUID().toString();
		List<Message<String>> batch = List.of(message(first), message(second));
		Logger logger = (Logger) LoggerFactory.getLogger(VisibilityKeeper.class);
		ListAppender<ILoggingEvent> events = new ListAppender<>() {
			@Override
			protected void append(ILoggingEvent event) {
				// An event reads the MDC when first asked for it: take it now, on the thread that
				// logged, as an encoding appender does, not later on the test's thread.
				event.prepareForDeferredProcessing();
				super.append(event);
			}
		};
		events.start();
		logger.addAppender(events);
		// whatever level an earlier test in this JVM left behind (a jar command's context sets WARN)
		Level level = logger.getLevel();
		logger.setLevel(Level.INFO);
		try (MDC.MDCCloseable batchId = MDC.putCloseable(LogFields.BATCH_ID, "0123456789abcdef")) {
			// visibility 3 s is extended every second; the first time it is due, 1 s has passed, and
			// the batch is given up. The batch lasts until then (at most 20 s on a busy machine).
			keeper.whileProcessing(batch, (seconds) -> CompletableFuture.completedFuture(null), () -> {
				long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
				while (givenUp(events) == null && System.nanoTime() < deadline) {
					sleep(Duration.ofMillis(50));
				}
				return null;
			});
		}
		finally {
			logger.detachAppender(events);
			logger.setLevel(level);
			keeper.destroy();
		}
		ILoggingEvent givenUp = givenUp(events);
		assertThat(givenUp).as("the given-up line among %s", events.list).isNotNull();
		assertThat(givenUp.getFormattedMessage()).contains(first).contains(second);
		assertThat(givenUp.getKeyValuePairs()).extracting((pair) -> Map.entry(pair.key, pair.value))
			.containsExactly(Map.entry(LogFields.MESSAGE_IDS, List.of(first, second)));
		assertThat(givenUp.getMDCPropertyMap()).containsEntry(LogFields.BATCH_ID, "0123456789abcdef");
		assertThat(givenUp.getThreadName()).isEqualTo("visibility-keeper");
	}

	private static ILoggingEvent givenUp(ListAppender<ILoggingEvent> events) {
		synchronized (events) {
			return events.list.stream()
				.filter((event) -> event.getFormattedMessage().startsWith("Gave up a batch of 2 messages"))
				.findFirst()
				.orElse(null);
		}
	}

	private static Message<String> message(String id) {
		return MessageBuilder.withPayload("{}").setHeader(SqsHeaders.SQS_RAW_MESSAGE_ID_HEADER, id).build();
	}

	private static void sleep(Duration duration) {
		try {
			Thread.sleep(duration.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
