package com.loginetl.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;

/** Puts bodies on a queue with SendMessageBatch: as fast as it goes, or paced at a steady rate. */
final class Senders {

	private static final int BATCH = 10;

	private final SqsClient client;

	private final String queueUrl;

	Senders(SqsClient client, String queueUrl) {
		this.client = client;
		this.queueUrl = queueUrl;
	}

	/** Sends every body from {@code threads} threads; returns the seconds it took. */
	double preload(List<String> bodies, int threads, Duration timeout) {
		AtomicInteger nextBatch = new AtomicInteger();
		long started = System.nanoTime();
		runOnThreads(threads, "preload", timeout, () -> {
			for (int from; (from = nextBatch.getAndIncrement() * BATCH) < bodies.size();) {
				send(bodies, from);
			}
		});
		return (System.nanoTime() - started) / 1e9;
	}

	/**
	 * Sends {@code perSecond} messages a second, ten to a batch, for {@code seconds}: batch i leaves
	 * at {@code i * 10 / perSecond} seconds, from whichever of {@code threads} threads is free, so a
	 * slow call does not hold up the next batch.
	 */
	Paced paced(List<String> bodies, int perSecond, int seconds, int threads) {
		int batches = Math.min((bodies.size()) / BATCH, perSecond * seconds / BATCH);
		double interval = BATCH * 1e9 / perSecond;
		AtomicInteger nextBatch = new AtomicInteger();
		AtomicLong sent = new AtomicLong();
		AtomicLong latestNanos = new AtomicLong();
		long started = System.nanoTime();
		runOnThreads(threads, "paced", Duration.ofSeconds(seconds + 60), () -> {
			int batch;
			while ((batch = nextBatch.getAndIncrement()) < batches) {
				long due = started + (long) (batch * interval);
				long wait = due - System.nanoTime();
				if (wait > 0) {
					LockSupport.parkNanos(wait);
				}
				latestNanos.accumulateAndGet(System.nanoTime() - due, Math::max);
				send(bodies, batch * BATCH);
				sent.addAndGet(BATCH);
			}
		});
		return new Paced(sent.get(), (System.nanoTime() - started) / 1e9, latestNanos.get() / 1e6);
	}

	private void send(List<String> bodies, int from) {
		List<SendMessageBatchRequestEntry> entries = new ArrayList<>(BATCH);
		for (int i = from; i < Math.min(from + BATCH, bodies.size()); i++) {
			entries.add(SendMessageBatchRequestEntry.builder()
				.id(Integer.toString(i - from))
				.messageBody(bodies.get(i))
				.build());
		}
		SendMessageBatchResponse response = this.client
			.sendMessageBatch((request) -> request.queueUrl(this.queueUrl).entries(entries));
		if (!response.failed().isEmpty()) {
			throw new IllegalStateException("ElasticMQ refused messages: " + response.failed());
		}
	}

	/** Runs {@code task} on {@code threads} threads and waits for all, at most {@code timeout}. */
	private static void runOnThreads(int threads, String name, Duration timeout, Runnable task) {
		AtomicInteger number = new AtomicInteger();
		ExecutorService executor = Executors.newFixedThreadPool(threads, (runnable) -> {
			Thread thread = new Thread(runnable, name + "-" + number.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		});
		try {
			for (Future<Object> future : executor.invokeAll(Collections.nCopies(threads, Executors.callable(task)),
					timeout.toNanos(), TimeUnit.NANOSECONDS)) {
				future.get();
			}
		}
		catch (CancellationException ex) {
			throw new IllegalStateException(name + " did not finish within " + timeout, ex);
		}
		catch (ExecutionException ex) {
			throw (ex.getCause() instanceof RuntimeException runtime) ? runtime : new IllegalStateException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
		finally {
			executor.shutdownNow();
		}
	}

	/**
	 * What the paced producer did.
	 *
	 * @param sent messages sent
	 * @param seconds from the first batch's due time to the last batch's reply
	 * @param maxLateMillis most a batch left after its due time (the producer falling behind)
	 */
	record Paced(long sent, double seconds, double maxLateMillis) {

		double rate() {
			return this.sent / this.seconds;
		}

	}

}
