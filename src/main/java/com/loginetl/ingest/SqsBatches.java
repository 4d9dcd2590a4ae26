package com.loginetl.ingest;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToLongFunction;

/**
 * Splits entries into the batches one SQS batch call takes: at most {@link #MAX_ENTRIES} entries
 * and at most a given number of bytes of bodies and attributes. One place for the service's
 * dead-letter sends and the {@code dlq} commands.
 */
public final class SqsBatches {

	/** SQS takes at most ten entries in one batch call. */
	public static final int MAX_ENTRIES = 10;

	/** SQS takes at most 256 KiB of bodies and attributes in one send. */
	public static final int MAX_SEND_BYTES = 256 * 1024;

	private SqsBatches() {
	}

	/**
	 * @param size an entry's bytes as the byte limit counts them
	 * @return the entries in order, in batches; an entry larger than {@code maxBytes} stands alone
	 */
	public static <T> List<List<T>> of(List<T> entries, ToLongFunction<T> size, long maxBytes) {
		List<List<T>> batches = new ArrayList<>();
		List<T> batch = new ArrayList<>();
		long bytes = 0;
		for (T entry : entries) {
			long entrySize = size.applyAsLong(entry);
			if (!batch.isEmpty() && (batch.size() == MAX_ENTRIES || bytes + entrySize > maxBytes)) {
				batches.add(batch);
				batch = new ArrayList<>();
				bytes = 0;
			}
			batch.add(entry);
			bytes += entrySize;
		}
		if (!batch.isEmpty()) {
			batches.add(batch);
		}
		return batches;
	}

}
