package com.loginetl.dlq;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Dead letters a command holds invisible while it works through the queue, so that the next
 * receive returns others. The hold is renewed every third of its visibility timeout; once the
 * command ends (or dies) they are visible again: at once when it releases them, after the
 * visibility timeout otherwise.
 */
final class Holds {

	private final DeadLetterQueues queues;

	private final Duration visibility;

	/** The latest receipt of each held dead letter, by message id. */
	private final Map<String, DeadLetter> held = new LinkedHashMap<>();

	private long renewedAt = System.nanoTime();

	Holds(DeadLetterQueues queues, Duration visibility) {
		this.queues = queues;
		this.visibility = visibility;
	}

	void hold(DeadLetter deadLetter) {
		this.held.put(deadLetter.messageId(), deadLetter.withoutBody());
	}

	boolean holds(String messageId) {
		return this.held.containsKey(messageId);
	}

	int size() {
		return this.held.size();
	}

	/** Renews every hold when a third of the visibility timeout has passed since the last time. */
	void renewIfDue() {
		if (System.nanoTime() - this.renewedAt < this.visibility.toNanos() / 3) {
			return;
		}
		// Those SQS refuses were received again after their hold lapsed; that receive took them over.
		this.queues.changeVisibility(new ArrayList<>(this.held.values()), this.visibility).forEach(this.held::remove);
		this.renewedAt = System.nanoTime();
	}

	/** Makes every held dead letter visible again, at once. */
	void releaseAll() {
		this.queues.changeVisibility(new ArrayList<>(this.held.values()), Duration.ZERO);
		this.held.clear();
	}

}
