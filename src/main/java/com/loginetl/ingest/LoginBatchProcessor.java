package com.loginetl.ingest;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import com.loginetl.masking.PiiField;
import com.loginetl.masking.PiiMasker;
import com.loginetl.ops.LoginMetrics;
import com.loginetl.storage.DatabaseAvailability;
import com.loginetl.storage.LoginWriter;
import com.loginetl.storage.UserLogin;
import com.loginetl.storage.WriteOutcome;
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

	private final LoginWriter writer;

	private final DeadLetters deadLetters;

	private final LoginMetrics metrics;

	private final DatabaseAvailability database;

	private final Clock clock;

	LoginBatchProcessor(PiiMasker masker, LoginWriter writer, DeadLetters deadLetters, LoginMetrics metrics,
			DatabaseAvailability database) {
		this.masker = masker;
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
		for (Message<String> message : batch) {
			ReceivedMessage received = ReceivedMessage.of(message);
			ReadResult result = this.reader.read(received.body());
			if (result instanceof ReadResult.Valid accepted) {
				valid.add(received);
				rows.add(toRow(received, accepted.event()));
			}
			else if (result instanceof ReadResult.Invalid invalid) {
				rejections.add(new Rejection(received, invalid.reason()));
			}
		}
		List<Message<String>> done = new ArrayList<>();
		if (!rows.isEmpty()) {
			store(valid, rows, rejections, done);
		}
		done.addAll(this.deadLetters.send(rejections));
		return done;
	}

	private void store(List<ReceivedMessage> valid, List<UserLogin> rows, List<Rejection> rejections,
			List<Message<String>> done) {
		WriteOutcome outcome;
		try {
			outcome = this.writer.write(rows);
		}
		catch (DataAccessException | TransactionException ex) {
			// A failure to begin, commit or roll back is as much an outage as a failed statement.
			this.metrics.storeFailed();
			this.database.reportFailure(ex);
			log.warn("Database did not take a batch ({}); its {} valid messages stay on the queue for redelivery",
					ex.getClass().getSimpleName(), rows.size());
			return;
		}
		Instant committed = this.clock.instant();
		for (ReceivedMessage received : valid) {
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
		if (!outcome.duplicates().isEmpty()) {
			log.info("Skipped {} redelivered messages already stored: {}", outcome.duplicates().size(),
					outcome.duplicates());
		}
		log.debug("Committed {} rows ({} duplicates, {} refused)", outcome.written().size(),
				outcome.duplicates().size(), outcome.refused().size());
	}

	private UserLogin toRow(ReceivedMessage received, LoginEvent event) {
		return new UserLogin(null, received.messageId(), event.userId(), event.deviceType(),
				this.masker.mask(PiiField.IP, event.ip()), this.masker.mask(PiiField.DEVICE_ID, event.deviceId()),
				this.masker.mask(PiiField.IP_NETWORK, event.ip()), event.locale(), event.appVersion(), received.sentAt().atZone(ZoneOffset.UTC).toLocalDate());
	}

}
