package com.loginetl.bench;

import java.net.URI;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import com.loginetl.ingest.LoginEvent;
import com.loginetl.ingest.LoginEventReader;
import com.loginetl.ingest.ReadResult;
import com.loginetl.masking.MaskingProperties;
import com.loginetl.masking.PiiField;
import com.loginetl.masking.PiiMasker;
import com.loginetl.storage.NewLoginInsertsImpl;
import com.loginetl.support.JdbcTarget;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageResponse;

/**
 * Main class of the two loops the service is compared with, each in a JVM of its own so that its
 * CPU can be read from /proc like the service's: {@code raw} receives and deletes (the floor: what
 * a consumer that does nothing costs), {@code same-work} does the service's work with no framework.
 * Each of {@code pollers} threads loops on a synchronous AWS SDK v2 client: ReceiveMessage (10, the
 * service's attributes and visibility), then for {@code same-work}: the service's own reader
 * (Jackson) and masker (Tink AES-SIV, field name as associated data), one {@code unnest} insert
 * {@code ON CONFLICT DO NOTHING RETURNING} per batch on the thread's own connection, commit, and
 * DeleteMessageBatch of the batch; rejected messages are deleted too (no dead-letter send). It
 * exits when it has deleted {@code expected} messages, or when its standard input closes.
 * <p>
 * Arguments: mode, SQS endpoint, queue URL, pollers, expected; for {@code same-work} the JDBC URL,
 * user and password, and the keyset in the variable {@code LOOP_KEYSET}.
 */
public final class LoopConsumer {

	// The service asks for these two system attributes and one message attribute nobody sets.
	private static final List<MessageSystemAttributeName> SYSTEM_ATTRIBUTES = List
		.of(MessageSystemAttributeName.SENT_TIMESTAMP, MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT);

	private static final int VISIBILITY_SECONDS = 30;

	// Short, so that pollers notice the end quickly; a poll with messages waiting returns at once.
	private static final int WAIT_SECONDS = 1;

	/** The service's own statement, so that both write the same rows the same way. */
	static final String INSERT = NewLoginInsertsImpl.INSERT;

	/** Its columns, in its order: message id, user, device type, the three tokens, locale, version, date. */
	private static final int COLUMNS = 9;

	private final SqsClient client;

	private final String queueUrl;

	private final PiiMasker masker;

	private final LoginEventReader reader = new LoginEventReader();

	private final AtomicLong deleted = new AtomicLong();

	private LoopConsumer(SqsClient client, String queueUrl, PiiMasker masker) {
		this.client = client;
		this.queueUrl = queueUrl;
		this.masker = masker;
	}

	public static void main(String[] args) throws Exception {
		((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).setLevel(Level.WARN);
		String mode = args[0];
		int pollers = Integer.parseInt(args[3]);
		long expected = Long.parseLong(args[4]);
		boolean sameWork = "same-work".equals(mode);
		SqsClient client = ElasticMqProcess.client(URI.create(args[1]), pollers + 2);
		PiiMasker masker = null;
		List<Connection> connections = new ArrayList<>();
		if (sameWork) {
			new JdbcTarget(args[5], args[6], args[7]).migrate();
			masker = PiiMasker.from(new MaskingProperties(System.getenv("LOOP_KEYSET"), null, false));
			for (int i = 0; i < pollers; i++) {
				Connection connection = DriverManager.getConnection(args[5], args[6], args[7]);
				connection.setAutoCommit(false);
				connections.add(connection);
			}
		}
		LoopConsumer loop = new LoopConsumer(client, args[2], masker);
		Thread stdinWatch = new Thread(() -> {
			StartedProcesses.awaitStdinClosed();
			System.exit(2);
		}, "stdin-watch");
		stdinWatch.setDaemon(true);
		stdinWatch.start();
		List<Thread> threads = new ArrayList<>();
		for (int i = 0; i < pollers; i++) {
			Connection connection = sameWork ? connections.get(i) : null;
			Thread thread = new Thread(() -> loop.poll(expected, connection), mode + "-poller-" + (i + 1));
			thread.start();
			threads.add(thread);
		}
		for (Thread thread : threads) {
			thread.join();
		}
		System.out.println("DONE " + loop.deleted.get());
		System.out.flush();
		System.exit(0);
	}

	private void poll(long expected, Connection connection) {
		try (PreparedStatement insert = (connection != null) ? connection.prepareStatement(INSERT) : null) {
			while (this.deleted.get() < expected) {
				List<Message> messages = receive(this.client, this.queueUrl);
				if (messages.isEmpty()) {
					continue;
				}
				if (insert != null) {
					store(messages, connection, insert);
				}
				this.deleted.addAndGet(delete(this.client, this.queueUrl, messages));
			}
		}
		catch (SQLException ex) {
			throw new IllegalStateException("The same-work loop's insert failed: " + ex.getMessage(), ex);
		}
	}

	// read, mask, one insert, commit: the messages of the batch may then be deleted
	private void store(List<Message> messages, Connection connection, PreparedStatement insert) throws SQLException {
		int size = messages.size();
		List<String[]> columns = new ArrayList<>(COLUMNS);
		for (int c = 0; c < COLUMNS; c++) {
			columns.add(new String[size]);
		}
		int rows = 0;
		for (Message message : messages) {
			ReadResult result = this.reader.read(message.body());
			if (!(result instanceof ReadResult.Valid valid)) {
				continue;
			}
			LoginEvent event = valid.event();
			Instant sentAt = Instant.ofEpochMilli(
					Long.parseLong(message.attributes().get(MessageSystemAttributeName.SENT_TIMESTAMP)));
			columns.get(0)[rows] = message.messageId();
			columns.get(1)[rows] = event.userId();
			columns.get(2)[rows] = event.deviceType();
			columns.get(3)[rows] = this.masker.mask(PiiField.IP, event.ip());
			columns.get(4)[rows] = this.masker.mask(PiiField.DEVICE_ID, event.deviceId());
			columns.get(5)[rows] = this.masker.mask(PiiField.IP_NETWORK, event.ip());
			columns.get(6)[rows] = event.locale();
			columns.get(7)[rows] = event.appVersion();
			columns.get(8)[rows] = sentAt.atZone(ZoneOffset.UTC).toLocalDate().toString();
			rows++;
		}
		if (rows == 0) {
			return;
		}
		for (int c = 0; c < COLUMNS; c++) {
			String[] column = (rows == size) ? columns.get(c) : Arrays.copyOf(columns.get(c), rows);
			Array array = connection.createArrayOf("text", column);
			insert.setArray(c + 1, array);
		}
		// the service reads which rows were new (the others are redeliveries); so does the loop
		Set<String> inserted = new HashSet<>();
		try (ResultSet returned = insert.executeQuery()) {
			while (returned.next()) {
				inserted.add(returned.getString(1));
			}
		}
		connection.commit();
	}

	/** One ReceiveMessage as the service makes it: 10 at most, its attributes and visibility. */
	private static List<Message> receive(SqsClient client, String queueUrl) {
		ReceiveMessageResponse received = client.receiveMessage((request) -> request.queueUrl(queueUrl)
			.maxNumberOfMessages(10)
			.waitTimeSeconds(WAIT_SECONDS)
			.visibilityTimeout(VISIBILITY_SECONDS)
			.messageSystemAttributeNames(SYSTEM_ATTRIBUTES)
			.messageAttributeNames("login-etl.no-attributes"));
		return received.messages();
	}

	/** One DeleteMessageBatch of {@code messages}; returns how many were deleted. */
	private static int delete(SqsClient client, String queueUrl, List<Message> messages) {
		List<DeleteMessageBatchRequestEntry> entries = messages.stream()
			.map((message) -> DeleteMessageBatchRequestEntry.builder()
				.id(message.messageId())
				.receiptHandle(message.receiptHandle())
				.build())
			.toList();
		DeleteMessageBatchResponse response = client
			.deleteMessageBatch((request) -> request.queueUrl(queueUrl).entries(entries));
		return response.successful().size();
	}

}
