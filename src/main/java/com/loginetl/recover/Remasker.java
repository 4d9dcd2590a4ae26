package com.loginetl.recover;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

import com.loginetl.masking.PiiField;
import com.loginetl.masking.PiiMasker;

import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Rewrites the tokens of {@code user_logins} that a non-primary key made ({@code masked_ip},
 * {@code masked_device_id}, {@code masked_ip_network}) into the primary key's tokens for the same
 * values, one batch of rows at a time in id order, across all partitions.
 * <ul>
 * <li><b>Resumable:</b> each batch is one {@code UPDATE} statement, committed on its own. After a
 * crash, running again skips what is done: a primary-key token is recognised by its key-id prefix
 * without decrypting it. {@code afterId} skips the ids a previous run reported as done.</li>
 * <li><b>Safe beside the running service:</b> the service only inserts rows, and every update is
 * conditional on the row still holding the tokens that were read, so a row changed meanwhile (by a
 * second remask, say) is left alone and counted, never overwritten with a stale value.</li>
 * </ul>
 */
final class Remasker {

	private static final String SELECT_BATCH = """
			SELECT id, masked_ip, masked_device_id, masked_ip_network FROM user_logins
			WHERE id > ? ORDER BY id LIMIT ?
			""";

	// One round trip per batch; RETURNING names exactly the rows whose tokens were still the ones read.
	// The id index of every partition finds the rows (ids are unique across partitions).
	private static final String UPDATE_BATCH = """
			UPDATE user_logins AS row
			SET masked_ip = change.new_ip, masked_device_id = change.new_device_id,
			    masked_ip_network = change.new_ip_network
			FROM unnest(?::bigint[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[])
			     AS change(id, old_ip, old_device_id, old_ip_network, new_ip, new_device_id, new_ip_network)
			WHERE row.id = change.id
			  AND row.masked_ip IS NOT DISTINCT FROM change.old_ip
			  AND row.masked_device_id IS NOT DISTINCT FROM change.old_device_id
			  AND row.masked_ip_network IS NOT DISTINCT FROM change.old_ip_network
			RETURNING row.id
			""";

	private final JdbcClient jdbc;

	private final PiiMasker masker;

	private final int batchSize;

	private final Consumer<List<Long>> beforeUpdate;

	Remasker(JdbcClient jdbc, PiiMasker masker, int batchSize) {
		this(jdbc, masker, batchSize, (ids) -> {
		});
	}

	/** @param beforeUpdate called with a batch's ids between reading and updating them (for tests) */
	Remasker(JdbcClient jdbc, PiiMasker masker, int batchSize, Consumer<List<Long>> beforeUpdate) {
		this.jdbc = jdbc;
		this.masker = masker;
		this.batchSize = batchSize;
		this.beforeUpdate = beforeUpdate;
	}

	/** The highest id now in the table, 0 when it is empty: how far a run has to go. */
	long maxId() {
		Long max = this.jdbc.sql("SELECT max(id) FROM user_logins").query(Long.class).single();
		return (max != null) ? max : 0;
	}

	/**
	 * Remasks every row with an id above {@code afterId}, calling {@code progress} after each
	 * committed batch with the totals so far.
	 */
	Summary run(long afterId, Consumer<Summary> progress) {
		Summary total = Summary.start(afterId);
		long lastId = afterId;
		while (true) {
			List<Row> rows = this.jdbc.sql(SELECT_BATCH)
				.param(lastId)
				.param(this.batchSize)
				.query((rs, n) -> new Row(rs.getLong("id"), rs.getString("masked_ip"), rs.getString("masked_device_id"),
						rs.getString("masked_ip_network")))
				.list();
			if (rows.isEmpty()) {
				return total;
			}
			lastId = rows.get(rows.size() - 1).id();
			total = total.plus(remask(rows), lastId);
			progress.accept(total);
		}
	}

	private Summary remask(List<Row> rows) {
		Counts counts = new Counts();
		List<Row> old = new ArrayList<>();
		List<Row> changed = new ArrayList<>();
		for (Row row : rows) {
			Row remasked = new Row(row.id(), remask(PiiField.IP, row.maskedIp(), counts),
					remask(PiiField.DEVICE_ID, row.maskedDeviceId(), counts),
					remask(PiiField.IP_NETWORK, row.maskedIpNetwork(), counts));
			if (!remasked.equals(row)) {
				old.add(row);
				changed.add(remasked);
			}
		}
		Set<Long> updated = Set.of();
		if (!changed.isEmpty()) {
			List<Long> ids = changed.stream().map(Row::id).toList();
			this.beforeUpdate.accept(ids);
			updated = new HashSet<>(this.jdbc.sql(UPDATE_BATCH)
				.param(ids.toArray(Long[]::new))
				.param(old.stream().map(Row::maskedIp).toArray(String[]::new))
				.param(old.stream().map(Row::maskedDeviceId).toArray(String[]::new))
				.param(old.stream().map(Row::maskedIpNetwork).toArray(String[]::new))
				.param(changed.stream().map(Row::maskedIp).toArray(String[]::new))
				.param(changed.stream().map(Row::maskedDeviceId).toArray(String[]::new))
				.param(changed.stream().map(Row::maskedIpNetwork).toArray(String[]::new))
				.query(Long.class)
				.list());
		}
		long rewrittenTokens = 0;
		for (int i = 0; i < changed.size(); i++) {
			if (updated.contains(changed.get(i).id())) {
				rewrittenTokens += (Objects.equals(old.get(i).maskedIp(), changed.get(i).maskedIp()) ? 0 : 1)
						+ (Objects.equals(old.get(i).maskedDeviceId(), changed.get(i).maskedDeviceId()) ? 0 : 1)
						+ (Objects.equals(old.get(i).maskedIpNetwork(), changed.get(i).maskedIpNetwork()) ? 0 : 1);
			}
		}
		return new Summary(rows.size(), updated.size(), rewrittenTokens, counts.alreadyPrimary, counts.unreadable,
				changed.size() - updated.size(), 0, 0);
	}

	private String remask(PiiField field, String token, Counts counts) {
		if (token == null) {
			return null;
		}
		if (this.masker.madeByPrimaryKey(token)) {
			counts.alreadyPrimary++;
			return token;
		}
		Optional<String> remasked = this.masker.remask(field, token);
		if (remasked.isEmpty()) {
			counts.unreadable++;
			return token;
		}
		return remasked.get();
	}

	private record Row(long id, String maskedIp, String maskedDeviceId, String maskedIpNetwork) {
	}

	private static final class Counts {

		int alreadyPrimary;

		int unreadable;

	}

	/**
	 * What a run did so far.
	 *
	 * @param rowsRead rows read
	 * @param rowsRewritten rows whose tokens were rewritten
	 * @param tokensRewritten tokens rewritten into primary-key tokens
	 * @param tokensAlreadyPrimary tokens the primary key had made already
	 * @param tokensUnreadable tokens no key of the keyset made (left as they are)
	 * @param rowsChangedMeanwhile rows that changed between reading and updating (left as they are)
	 * @param afterId where the run started: it covered ids above this
	 * @param lastId the highest id done
	 */
	record Summary(long rowsRead, long rowsRewritten, long tokensRewritten, long tokensAlreadyPrimary,
			long tokensUnreadable, long rowsChangedMeanwhile, long afterId, long lastId) {

		static Summary start(long afterId) {
			return new Summary(0, 0, 0, 0, 0, 0, afterId, afterId);
		}

		Summary plus(Summary batch, long lastId) {
			return new Summary(this.rowsRead + batch.rowsRead, this.rowsRewritten + batch.rowsRewritten,
					this.tokensRewritten + batch.tokensRewritten, this.tokensAlreadyPrimary + batch.tokensAlreadyPrimary,
					this.tokensUnreadable + batch.tokensUnreadable, this.rowsChangedMeanwhile + batch.rowsChangedMeanwhile,
					this.afterId, lastId);
		}

		/** Whether every token read is now a primary-key token. */
		boolean complete() {
			return this.tokensUnreadable == 0 && this.rowsChangedMeanwhile == 0;
		}

	}

}
