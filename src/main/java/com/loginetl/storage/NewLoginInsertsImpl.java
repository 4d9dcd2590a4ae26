package com.loginetl.storage;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * One round trip per batch: the rows travel as one array per column, {@code unnest} turns them
 * back into rows, and {@code RETURNING} says exactly which ones were new. (A JDBC batch with
 * pgjdbc's {@code reWriteBatchedInserts} would report -2 for every row and hide that.)
 * <p>
 * The conflict target is {@code (sqs_message_id, create_date)}: a unique index of a partitioned
 * table must hold its partition key. That is still one row per message, because
 * {@code create_date} comes from the message's {@code SentTimestamp}, which every redelivery of it
 * carries unchanged (for a message {@code dlq redrive} sent back, the original's, from
 * {@code source_sent_timestamp}), so a redelivery on a later day meets the row of the first delivery.
 * <p>
 * Public, with its statement, so that the benchmarks (src/bench) time this very statement.
 */
public class NewLoginInsertsImpl implements NewLoginInserts {

	/** The statement: nine text arrays, one per column; returns the ids of the rows it added. */
	public static final String INSERT = """
			INSERT INTO user_logins (sqs_message_id, user_id, device_type, masked_ip, masked_device_id,
			                         masked_ip_network, locale, app_version, create_date)
			SELECT * FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[],
			                     ?::date[])
			ON CONFLICT (sqs_message_id, create_date) DO NOTHING
			RETURNING sqs_message_id
			""";

	private final JdbcClient jdbc;

	public NewLoginInsertsImpl(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	@Override
	public Set<String> insertNew(List<UserLogin> rows) {
		if (rows.isEmpty()) {
			return Set.of();
		}
		List<String> inserted = this.jdbc.sql(INSERT)
			.param(column(rows, UserLogin::sqsMessageId))
			.param(column(rows, UserLogin::userId))
			.param(column(rows, UserLogin::deviceType))
			.param(column(rows, UserLogin::maskedIp))
			.param(column(rows, UserLogin::maskedDeviceId))
			.param(column(rows, UserLogin::maskedIpNetwork))
			.param(column(rows, UserLogin::locale))
			.param(column(rows, UserLogin::appVersion))
			.param(column(rows, row -> row.createDate() == null ? null : row.createDate().toString()))
			.query(String.class)
			.list();
		return new HashSet<>(inserted);
	}

	@Override
	public Set<String> insertNewWaitingAtMost(List<UserLogin> rows, Duration lockWait) {
		this.jdbc.sql("SELECT set_config('lock_timeout', ?, true)")
			.param(lockWait.toMillis() + "ms")
			.query(String.class)
			.single();
		return insertNew(rows);
	}

	private static String[] column(List<UserLogin> rows, Function<UserLogin, String> value) {
		return rows.stream().map(value).toArray(String[]::new);
	}

}
