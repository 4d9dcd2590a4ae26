package com.loginetl.ingest;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import com.loginetl.LogFields;
import com.loginetl.masking.DeadLetterSeal;
import com.loginetl.masking.PiiField;
import com.loginetl.masking.PiiMasker;
import com.loginetl.ops.LoginMetrics;
import com.loginetl.storage.DatabaseAvailability;
import com.loginetl.storage.LoginWriter;
import com.loginetl.storage.SqlFailures;
import com.loginetl.storage.UserLogin;
import com.loginetl.storage.WriteOutcome;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.dao.DataAccessException;
import org.springframework.messaging.Message;
import org.springframework.transaction.TransactionException;
import org.springframework.stereotype.Component;

/**
 * Takes one received batch through read, mask and store, and sends what cannot be stored to the
 * dead-letter queue. Returns the messages that are done with (row committed, or already stored, or
 * safely dead-lettered): only those may be deleted from the queue.
 */
@Component
public class LoginBatchProcessor {

	private static final Logger log = LoggerFactory.getLogger(LoginBatchProcessor.class);

	private final LoginEventReader reader = new LoginEventReader();

	private final PiiMasker masker;

	private final DeadLetterSeal seal;

	private final LoginWriter writer;

	private final DeadLetters deadLetters;

	private final LoginMetrics metrics;

	private final DatabaseAvailability database;

	private final Clock clock;

	private final BatchTracing tracing;

	LoginBatchProcessor(PiiMasker masker, DeadLetterSeal seal, LoginWriter writer, DeadLetters deadLetters,
			LoginMetrics metrics, DatabaseAvailability database, BatchTracing tracing) {
		this.tracing = tracing;
		this.masker = masker;
		this.seal = seal;
		this.writer = writer;
		this.database = database;
		this.deadLetters = deadLetters;
		this.metrics = metrics;
		this.clock = Clock.systemUTC();
	}

	public List<Message<String>> process(List<Message<String>> batch) {
		this.metrics.received(batch.size());
		List<ReceivedMessage> valid = new ArrayList<>();
		List<UserLogin> rows = new ArrayList<>();
		List<Rejection> rejections = new ArrayList<>();
		List<String> redriveIgnored = new ArrayList<>();
		for (Message<String> message : batch) {
			ReceivedMessage received = ReceivedMessage.of(message, this.seal);
			if (received.redriveIgnored()) {
				redriveIgnored.add(received.messageId());
			}
			ReadResult result = this.reader.read(received.body());
			if (result instanceof ReadResult.Valid accepted) {
				valid.add(received);
				rows.add(toRow(received, accepted.event()));
			}
			else if (result instanceof ReadResult.Invalid invalid) {
				rejections.add(new Rejection(received, invalid.reason()));
			}
		}
		if (!redriveIgnored.isEmpty()) {
			// The ids are SQS's own: what the producer put in the attributes is never logged.
			this.metrics.redriveAttributesIgnored(redriveIgnored.size());
			log.atWarn()
				.addKeyValue(LogFields.MESSAGE_IDS, redriveIgnored)
				.log("Ignored the redrive attributes of {} messages, which no valid redrive_seal vouches for; each is "
						+ "stored under its own message id and SentTimestamp: {}", redriveIgnored.size(), redriveIgnored);
		}
		List<Message<String>> done = new ArrayList<>();
		if (!rows.isEmpty()) {
			store(valid, rows, rejections, done);
		}
		if (!rejections.isEmpty()) {
			Span send = this.tracing.startChild("dead-letter send");
			try (Tracer.SpanInScope scope = this.tracing.inScope(send)) {
				done.addAll(this.deadLetters.send(rejections));
			}
			finally {
				send.end();
			}
		}
		return done;
	}

	private void store(List<ReceivedMessage> valid, List<UserLogin> rows, List<Rejection> rejections,
			List<Message<String>> done) {
		WriteOutcome outcome;
		Span insert = this.tracing.startChild("insert");
		try (Tracer.SpanInScope scope = this.tracing.inScope(insert)) {
			outcome = this.writer.write(rows);
		}
		catch (DataAccessException | TransactionException ex) {
			insert.error(ex);
			// A failure to begin, commit or roll back is as much an outage as a failed statement,
			// and so is a statement the server cancelled (57014): lock waits end before it as 55P03,
			// so a statement that ran this long finds the database overloaded. The outage's state
			// change is logged once by DatabaseAvailability; each batch only at DEBUG.
			this.metrics.storeFailed();
			this.database.reportFailure(ex);
			log.debug("Database did not take a batch ({}); its {} valid messages stay on the queue for redelivery",
					SqlFailures.describe(ex), rows.size());
			return;
		}
		finally {
			insert.end();
		}
		Instant committed = this.clock.instant();
		for (ReceivedMessage received : valid) {
			if (outcome.blocked().contains(received.messageId())) {
				continue;
			}
			String sqlState = outcome.refused().get(received.messageId());
			if (sqlState != null) {
				rejections.add(new Rejection(received, Reasons.databaseRejected(sqlState)));
				continue;
			}
			done.add(received.message());
			if (outcome.written().contains(received.messageId())) {
				this.metrics.lag(Duration.between(received.sentAt(), committed));
			}
		}
		this.metrics.written(outcome.written().size());
		this.metrics.duplicates(outcome.duplicates().size());
		Instant firstReceived = valid.stream().map(ReceivedMessage::receivedAt).min(Comparator.naturalOrder())
				.orElse(committed);
		this.metrics.batch(Duration.between(firstReceived, committed));
		if (!outcome.blocked().isEmpty()) {
			// Not an outage: the rest of the batch is written, and these wait for their next delivery.
			this.metrics.blocked(outcome.blocked().size());
			List<String> blocked = List.copyOf(outcome.blocked());
			log.atWarn()
				.addKeyValue(LogFields.MESSAGE_IDS, blocked)
				.addKeyValue(LogFields.SQL_STATE, "55P03")
				.log("Rows of {} messages stay locked by another session's open transaction (SQLSTATE 55P03); "
						+ "the messages are left on the queue for redelivery: {}", blocked.size(), blocked);
		}
		if (!outcome.duplicates().isEmpty()) {
			List<String> duplicates = List.copyOf(outcome.duplicates());
			log.atInfo()
				.addKeyValue(LogFields.MESSAGE_IDS, duplicates)
				.log("Skipped {} redelivered messages already stored: {}", duplicates.size(), duplicates);
		}
		log.debug("Committed {} rows ({} duplicates, {} refused, {} blocked)", outcome.written().size(),
				outcome.duplicates().size(), outcome.refused().size(), outcome.blocked().size());
	}

	private UserLogin toRow(ReceivedMessage received, LoginEvent event) {
		return new UserLogin(null, received.messageId(), event.userId(), event.deviceType(),
				this.masker.mask(PiiField.IP, event.ip()), this.masker.mask(PiiField.DEVICE_ID, event.deviceId()),
				this.masker.mask(PiiField.IP_NETWORK, event.ip()), event.locale(), event.appVersion(), received.originalSentAt().atZone(ZoneOffset.UTC).toLocalDate());
	}

}
