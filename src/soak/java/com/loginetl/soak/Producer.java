package com.loginetl.soak;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import com.loginetl.support.Workload;

/**
 * The steady producer: each second, valid events and invalid messages through the workload, which
 * remembers each by its SQS message id. It also notes when each message was sent, so that a
 * violation can be put beside the faults of that time. A failed send is counted and the next
 * second goes on: the producer's SQS is not under test.
 */
final class Producer implements AutoCloseable {

	private final Workload workload;

	private final Map<String, Duration> sentAt = new ConcurrentHashMap<>();

	private final AtomicLong failedSends = new AtomicLong();

	private volatile boolean running = true;

	private final Thread thread;

	Producer(Workload workload, int validPerSecond, int invalidPerSecond) {
		this.workload = workload;
		this.thread = new Thread(() -> run(validPerSecond, invalidPerSecond), "producer");
		this.thread.setDaemon(true);
	}

	void start() {
		this.thread.start();
	}

	/** When a message was sent, from the start of the run (to the second), or null if unknown. */
	Duration sentAt(String messageId) {
		return this.sentAt.get(messageId);
	}

	long failedSends() {
		return this.failedSends.get();
	}

	private void run(int validPerSecond, int invalidPerSecond) {
		while (this.running) {
			long began = System.nanoTime();
			try {
				this.workload.send(validPerSecond, invalidPerSecond);
			}
			catch (RuntimeException ex) {
				if (this.failedSends.incrementAndGet() == 1) {
					Report.say("producer: a send failed (%s); counted, and the next second goes on", ex);
				}
			}
			noteSendTimes();
			long left = 1_000 - (System.nanoTime() - began) / 1_000_000;
			if (left > 0) {
				try {
					Thread.sleep(left);
				}
				catch (InterruptedException ex) {
					return;
				}
			}
		}
	}

	private void noteSendTimes() {
		Duration now = Report.elapsed();
		this.workload.validUsers().keySet().forEach((id) -> this.sentAt.putIfAbsent(id, now));
		this.workload.invalidReasons().keySet().forEach((id) -> this.sentAt.putIfAbsent(id, now));
	}

	/** Stops sending and waits for the send in progress, so that every message sent is remembered. */
	@Override
	public void close() {
		this.running = false;
		try {
			this.thread.join(Duration.ofSeconds(60).toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		noteSendTimes();
	}

}
