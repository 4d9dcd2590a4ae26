package com.loginetl.dlq;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

import com.loginetl.masking.DeadLetterSeal;

/**
 * {@code dlq redrive}: moves dead letters whose reason matches back to the source queue with the
 * original body (opened when sealed), {@code redriven_from} naming the original message, and a
 * {@code redrive_seal} that makes the service honour it.
 * <ul>
 * <li>A sealed dead letter that no key of the keyset opens (sealed under a retired key, or altered),
 * and one whose body was too large to keep, is left where it is and reported.</li>
 * <li>A dead letter is deleted only after SQS accepted its send; a failed send leaves it where it
 * is.</li>
 * <li>Copies (the same {@code source_message_id}) are sent once and the others deleted. A rerun
 * after an interruption between a send and its delete sends that one again; the service stores a
 * redriven message under its {@code redriven_from} id, so the second one is a duplicate, not a
 * second row.</li>
 * <li>A dead letter that reached the queue after the run began is left for the next run, never
 * taken for a copy: with the service running, a message sent back and rejected again comes back
 * under the same {@code source_message_id} within seconds, and deleting it would lose it.</li>
 * <li>Dead letters that do not match, and those past {@code --limit}, are held invisible while the
 * run lasts, so the queue can be read to its end, and made visible again when it ends.</li>
 * <li>The run ends when the queue has no visible dead letter and none held by another reader. An
 * interrupted run's dead letters come back after its visibility timeout; a rerun waits that long for
 * them, and reports those still held by someone else.</li>
 * </ul>
 */
final class Redrive {

	/** How much longer than its own visibility timeout a run waits for dead letters in flight. */
	private static final Duration IN_FLIGHT_GRACE = Duration.ofSeconds(5);

	private final DeadLetterQueues queues;

	private final ReasonFilter filter;

	private final long limit;

	private final boolean dryRun;

	private final Duration visibility;

	private final Holds holds;

	private final DeadLetterSeal seal;

	/** When the run began: dead letters the queue took later are new, not copies. */
	private final Instant startedAt;

	/** Originals already sent (or, dry, to be sent) in this run. */
	private final Set<String> sentOriginals = new HashSet<>();

	/** Every dead letter this run has taken on, by message id. */
	private final Set<String> seen = new HashSet<>();

	/** Dead letters whose send or delete failed; not tried again in this run. */
	private final Set<String> failedIds = new HashSet<>();

	/** Dead letters sent whose delete failed: a copy of them, when they come back. */
	private final Set<String> sentNotDeleted = new HashSet<>();

	private long moved;

	private long copies;

	private long notMatching;

	private long overLimit;

	private long unopened;

	private long omitted;

	private long arrived;

	Redrive(DeadLetterQueues queues, DeadLetterSeal seal, ReasonFilter filter, long limit, boolean dryRun,
			Duration visibility) {
		this(queues, seal, filter, limit, dryRun, visibility, Instant.now());
	}

	Redrive(DeadLetterQueues queues, DeadLetterSeal seal, ReasonFilter filter, long limit, boolean dryRun,
			Duration visibility, Instant startedAt) {
		this.startedAt = startedAt;
		this.queues = queues;
		this.seal = seal;
		this.filter = filter;
		this.limit = limit;
		this.dryRun = dryRun;
		this.visibility = visibility;
		this.holds = new Holds(queues, visibility);
	}

	Summary run(Consumer<Summary> progress) {
		long waitingSince = 0;
		long stillInFlight = 0;
		try {
			while (this.moved < this.limit) {
				this.holds.renewIfDue();
				List<DeadLetter> batch = this.queues.receive(this.visibility);
				if (batch.isEmpty()) {
					long[] depth = this.queues.deadLetterDepth();
					stillInFlight = Math.max(0, depth[1] - this.holds.size());
					if (depth[0] == 0 && stillInFlight == 0) {
						break;
					}
					if (waitingSince == 0) {
						waitingSince = System.nanoTime();
					}
					else if (System.nanoTime() - waitingSince > this.visibility.plus(IN_FLIGHT_GRACE).toNanos()) {
						break;
					}
					progress.accept(summary(stillInFlight));
					continue;
				}
				waitingSince = 0;
				stillInFlight = 0;
				handle(batch);
				progress.accept(summary(0));
			}
			return summary(stillInFlight);
		}
		finally {
			this.holds.releaseAll();
		}
	}

	private void handle(List<DeadLetter> batch) {
		List<DeadLetter> toSend = new ArrayList<>();
		List<DeadLetter> toDelete = new ArrayList<>();
		for (DeadLetter deadLetter : batch) {
			if (this.sentNotDeleted.contains(deadLetter.messageId())) {
				toDelete.add(deadLetter);
			}
			else if (!this.seen.add(deadLetter.messageId())) {
				// Back after its hold lapsed: already accounted for; hold it again.
				this.holds.hold(deadLetter);
			}
			else if (deadLetter.sentAt() != null && !deadLetter.sentAt().isBefore(this.startedAt)) {
				this.arrived++;
				this.holds.hold(deadLetter);
			}
			else if (!this.filter.matches(deadLetter.reason())) {
				this.notMatching++;
				this.holds.hold(deadLetter);
			}
			else if (this.sentOriginals.contains(deadLetter.original())) {
				if (this.dryRun) {
					this.copies++;
					this.holds.hold(deadLetter);
				}
				else {
					toDelete.add(deadLetter);
				}
			}
			else if (this.moved + toSend.size() >= this.limit) {
				this.overLimit++;
				this.holds.hold(deadLetter);
			}
			else {
				String original = deadLetter.originalBody(this.seal);
				if (original == null) {
					if (deadLetter.isOmitted()) {
						this.omitted++;
					}
					else {
						this.unopened++;
					}
					this.holds.hold(deadLetter);
					continue;
				}
				this.sentOriginals.add(deadLetter.original());
				if (this.dryRun) {
					this.moved++;
					this.holds.hold(deadLetter);
				}
				else {
					toSend.add(deadLetter.withBody(original));
				}
			}
		}
		if (!toSend.isEmpty()) {
			send(toSend);
		}
		// A copy goes only once its original's send succeeded (in this batch or before).
		List<DeadLetter> deletable = new ArrayList<>();
		for (DeadLetter deadLetter : toDelete) {
			if (this.sentNotDeleted.contains(deadLetter.messageId())
					|| this.sentOriginals.contains(deadLetter.original())) {
				deletable.add(deadLetter);
			}
			else {
				this.failedIds.add(deadLetter.messageId());
				this.holds.hold(deadLetter);
			}
		}
		if (!deletable.isEmpty()) {
			deleteCopies(deletable);
		}
	}

	private void send(List<DeadLetter> toSend) {
		Set<String> notSent;
		try {
			notSent = this.queues.sendToSource(toSend, this.seal);
		}
		catch (RuntimeException ex) {
			notSent = ids(toSend);
		}
		List<DeadLetter> sent = new ArrayList<>();
		for (DeadLetter deadLetter : toSend) {
			if (notSent.contains(deadLetter.messageId())) {
				this.failedIds.add(deadLetter.messageId());
				// Another copy of it may still be sent.
				this.sentOriginals.remove(deadLetter.original());
				this.holds.hold(deadLetter);
			}
			else {
				sent.add(deadLetter);
			}
		}
		if (sent.isEmpty()) {
			return;
		}
		Set<String> notDeleted = deleteQuietly(sent);
		for (DeadLetter deadLetter : sent) {
			if (notDeleted.contains(deadLetter.messageId())) {
				// Sent, so not to be sent again: deleted as a copy when it comes back.
				this.sentNotDeleted.add(deadLetter.messageId());
				this.failedIds.add(deadLetter.messageId());
			}
			else {
				this.moved++;
			}
		}
	}

	private void deleteCopies(List<DeadLetter> toDelete) {
		Set<String> notDeleted = deleteQuietly(toDelete);
		for (DeadLetter deadLetter : toDelete) {
			boolean sentEarlier = this.sentNotDeleted.contains(deadLetter.messageId());
			if (notDeleted.contains(deadLetter.messageId())) {
				if (!sentEarlier) {
					this.failedIds.add(deadLetter.messageId());
				}
				this.holds.hold(deadLetter);
			}
			else if (sentEarlier) {
				// The delete that failed after its send has now happened.
				this.sentNotDeleted.remove(deadLetter.messageId());
				this.failedIds.remove(deadLetter.messageId());
				this.moved++;
			}
			else {
				this.copies++;
			}
		}
	}

	private Set<String> deleteQuietly(List<DeadLetter> deadLetters) {
		try {
			return this.queues.delete(deadLetters);
		}
		catch (RuntimeException ex) {
			return ids(deadLetters);
		}
	}

	private Summary summary(long stillInFlight) {
		return new Summary(this.dryRun, this.moved, this.copies, this.notMatching, this.overLimit,
				this.failedIds.size(), stillInFlight, this.unopened, this.omitted, this.arrived);
	}

	private static Set<String> ids(List<DeadLetter> deadLetters) {
		Set<String> ids = new HashSet<>();
		deadLetters.forEach((deadLetter) -> ids.add(deadLetter.messageId()));
		return ids;
	}

	/**
	 * @param moved sent to the source queue and deleted from the dead-letter queue (dry run: would be)
	 * @param copies deleted because a dead letter of the same source message was sent (dry run: would be)
	 * @param notMatching left because their reason did not match
	 * @param overLimit left because {@code --limit} was reached
	 * @param failed left because SQS refused the send or the delete
	 * @param stillInFlight held by another reader at the end, so not looked at
	 * @param unopened left because no key of the keyset opens their sealed body
	 * @param omitted left because they hold no body (too large to seal when rejected)
	 * @param arrived left because the queue took them after the run began (a message sent back and
	 * rejected again, say): for the next run, never deleted as copies
	 */
	record Summary(boolean dryRun, long moved, long copies, long notMatching, long overLimit, long failed,
			long stillInFlight, long unopened, long omitted, long arrived) {

		/**
		 * Everything that matched (up to the limit) and holds a body was moved. Dead letters without
		 * a body cannot be moved by any run, so they do not count against it.
		 */
		boolean complete() {
			return this.failed == 0 && this.stillInFlight == 0 && this.unopened == 0;
		}

	}

}
