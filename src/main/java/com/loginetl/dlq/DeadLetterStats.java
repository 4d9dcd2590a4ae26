package com.loginetl.dlq;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.LongConsumer;

/**
 * {@code dlq stats}: counts the dead letters without consuming any. Each one read is held
 * invisible until the count is done, so that every receive returns ones not counted yet (a queue
 * read with visibility 0 hands out the same messages again and never says when all were seen),
 * then all are made visible again at once. Nothing is deleted, and bodies are not opened: the key
 * that sealed one is read from its prefix, so no key is needed.
 */
final class DeadLetterStats {

	private DeadLetterStats() {
	}

	static Report count(DeadLetterQueues queues, Duration visibility, LongConsumer progress) {
		Holds holds = new Holds(queues, visibility);
		SortedMap<String, Long> byReason = new TreeMap<>();
		SortedMap<Integer, Long> sealedByKey = new TreeMap<>(Integer::compareUnsigned);
		long plain = 0;
		long omitted = 0;
		Map<String, Integer> copiesByOriginal = new HashMap<>();
		Set<String> seen = new HashSet<>();
		Instant oldest = null;
		try {
			while (true) {
				holds.renewIfDue();
				var batch = queues.receive(visibility);
				if (batch.isEmpty()) {
					break;
				}
				for (DeadLetter deadLetter : batch) {
					holds.hold(deadLetter);
					if (!seen.add(deadLetter.messageId())) {
						continue;
					}
					byReason.merge(deadLetter.reason(), 1L, Long::sum);
					if (deadLetter.sealedKeyId() != null) {
						sealedByKey.merge(deadLetter.sealedKeyId(), 1L, Long::sum);
					}
					else if (deadLetter.isPlain()) {
						plain++;
					}
					else if (deadLetter.isOmitted()) {
						omitted++;
					}
					copiesByOriginal.merge(deadLetter.original(), 1, Integer::sum);
					if (deadLetter.sentAt() != null && (oldest == null || deadLetter.sentAt().isBefore(oldest))) {
						oldest = deadLetter.sentAt();
					}
				}
				progress.accept(seen.size());
			}
			long inFlightElsewhere = Math.max(0, queues.deadLetterDepth()[1] - holds.size());
			long doubled = copiesByOriginal.values().stream().filter((n) -> n > 1).mapToLong(Integer::longValue).sum();
			long doubledOriginals = copiesByOriginal.values().stream().filter((n) -> n > 1).count();
			return new Report(byReason, seen.size(), oldest, doubled, doubledOriginals, inFlightElsewhere, sealedByKey,
					plain, omitted);
		}
		finally {
			holds.releaseAll();
		}
	}

	/**
	 * @param byReason dead letters by their {@code reason} attribute
	 * @param oldest when the dead-letter queue accepted the oldest one, or {@code null} when empty
	 * @param doubled dead letters whose {@code source_message_id} another one shares
	 * @param doubledOriginals how many source messages those are copies of
	 * @param inFlightElsewhere dead letters another reader held while this one counted (not counted)
	 * @param sealedByKey sealed dead letters by the id of the key that sealed them
	 * @param plain dead letters written before bodies were sealed: their body is the original
	 * @param omitted dead letters without a body (too large to seal)
	 */
	record Report(SortedMap<String, Long> byReason, long total, Instant oldest, long doubled, long doubledOriginals,
			long inFlightElsewhere, SortedMap<Integer, Long> sealedByKey, long plain, long omitted) {
	}

}
