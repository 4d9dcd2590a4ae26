package com.loginetl.support;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import software.amazon.awssdk.services.sqs.model.Message;

import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.junit.jupiter.SpringExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests of one shared application context share its queues and database, so each must leave them
 * as it found them: after a test, its messages are all done with (the source queue is empty), it
 * took every dead letter it caused, no row was written after it ended, and the table has the
 * constraints and triggers it had before. A test that leaves something behind fails here, with
 * what it left, and the dead letters and late rows are removed so that the next test starts clean.
 * <p>
 * A row committed after the test ended is one no check of the test could have seen: a valid
 * message the test left on the queue. Which rows those are is told by PostgreSQL's own record of
 * transactions, not by a column the service writes: the rows whose inserting transaction
 * ({@code xmin}) is not visible in a snapshot taken as the test ended.
 */
public final class LeavesNothingBehind implements BeforeEachCallback, AfterEachCallback {

	/** How long the dead-letter queue must stay empty before a test counts as having taken all its dead letters. */
	private static final Duration SETTLE = Duration.ofSeconds(2);

	private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace
		.create(LeavesNothingBehind.class);

	private static final String SCHEMA = """
			SELECT 'constraint ' || conname || ': ' || pg_get_constraintdef(oid) FROM pg_constraint
			WHERE conrelid = 'user_logins'::regclass
			UNION ALL
			SELECT 'trigger ' || tgname FROM pg_trigger WHERE tgrelid = 'user_logins'::regclass AND NOT tgisinternal
			ORDER BY 1""";

	private static final String LATE_ROWS = """
			DELETE FROM user_logins WHERE NOT pg_visible_in_snapshot(xmin::text::xid8, CAST(? AS pg_snapshot))
			RETURNING 'sqs_message_id ' || sqs_message_id || ', user_id ' || coalesce(user_id, 'null')""";

	@Override
	public void beforeEach(ExtensionContext context) {
		context.getStore(NAMESPACE).put("schema", schema(context));
	}

	@Override
	public void afterEach(ExtensionContext context) {
		ApplicationContext application = SpringExtension.getApplicationContext(context);
		TestQueues queues = application.getBean(TestQueues.class);
		JdbcClient jdbc = application.getBean(JdbcClient.class);
		String ended = jdbc.sql("SELECT pg_current_snapshot()::text").query(String.class).single();
		await().atMost(Duration.ofSeconds(60))
			.pollInterval(Duration.ofMillis(200))
			.untilAsserted(() -> assertThat(queues.sourceDepth()).as("messages the test left on the source queue")
				.isZero());
		List<Message> left = queues.takeDeadLettersUntilQuiet(SETTLE);
		List<String> lateRows = jdbc.sql(LATE_ROWS).param(ended).query(String.class).list();
		assertThat(lateRows).as("rows written after the test ended, of messages it left on the queue").isEmpty();
		assertThat(left).as("dead letters the test left behind")
			.extracting((dead) -> dead.messageAttributes().get("reason").stringValue() + ": " + dead.body())
			.isEmpty();
		assertThat(schema(context)).as("constraints and triggers of user_logins")
			.isEqualTo(context.getStore(NAMESPACE).get("schema"));
	}

	private static List<String> schema(ExtensionContext context) {
		return SpringExtension.getApplicationContext(context)
			.getBean(JdbcClient.class)
			.sql(SCHEMA)
			.query(String.class)
			.list();
	}

}
