package com.loginetl.faults;

import java.time.Duration;

import com.loginetl.support.Scenario;
import com.loginetl.support.ServiceProcess;
import com.loginetl.support.Workload;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A bad producer floods the queue: as many invalid messages as valid ones, preloaded, drained by
 * the service with its heap capped at 96 MiB, once with a queue of {@value #SMALL_QUEUE} messages
 * and once, by a fresh service, with three times as many. Memory stays bounded because the service
 * holds no more than {@code max-concurrent-messages} messages at a time: the heap cap makes growth of the
 * heap with the queue an OutOfMemoryError, and the peak resident set size (heap, metaspace, JIT
 * code, threads, Netty's buffers) must stay under {@link #PEAK_RSS_MIB} in both runs and may not
 * grow by more than {@link #GROWTH} from the smaller queue to the larger.
 */
class PoisonFloodIT {

	/**
	 * Measured 2026-12-02 on the 2-core test machine in a full CI run, the service started as the
	 * image starts it: 297 MiB with 2,000 messages, 296 MiB with 6,000 (286 and 302 MiB from the
	 * plain jar). The bound leaves about a quarter for another JDK build or machine; a heap that
	 * grew with the queue would end in an OutOfMemoryError under the cap first.
	 */
	private static final long PEAK_RSS_MIB = 400;

	/** Messages queued in the smaller run, half of them invalid; the larger run queues three times as many. */
	private static final int SMALL_QUEUE = 2_000;

	/** Room for the JIT's code cache, which grows with the longer run's work, not with the queue. */
	private static final double GROWTH = 0.15;

	@Test
	void everyValidMessageIsWrittenAndEveryInvalidOneDeadLetteredWithMemoryThatDoesNotGrowWithTheQueue() {
		int largeQueue = 3 * SMALL_QUEUE;
		long small = drain(SMALL_QUEUE / 2);
		long large = drain(largeQueue / 2);

		System.out.printf("poison flood: peak RSS %d MiB with %d messages queued, %d MiB with %d%n", small,
				SMALL_QUEUE, large, largeQueue);
		assertThat(small).as("peak RSS in MiB, %d messages", SMALL_QUEUE).isLessThanOrEqualTo(PEAK_RSS_MIB);
		assertThat(large).as("peak RSS in MiB, %d messages", largeQueue).isLessThanOrEqualTo(PEAK_RSS_MIB);
		assertThat((double) large).as("peak RSS in MiB, %d against %d messages", largeQueue, SMALL_QUEUE)
			.isLessThanOrEqualTo(small * (1 + GROWTH));
	}

	/** Preloads {@code each} valid and as many invalid messages, drains them, and returns the peak RSS in MiB. */
	private static long drain(int each) {
		Scenario scenario = Scenario.create("flood-" + each);
		Workload workload = scenario.workload();
		workload.send(each, each);

		long started = System.nanoTime();
		try (ServiceProcess service = scenario.startService("-Xmx96m", "-XX:+ExitOnOutOfMemoryError")) {
			workload.assertEveryValidMessageIsExactlyOneRow(Duration.ofSeconds(180));
			workload.assertEveryInvalidMessageIsDeadLettered(Duration.ofSeconds(180));
			long seconds = Duration.ofNanos(System.nanoTime() - started).toSeconds();
			long peakRss = service.peakRssKib() / 1024;
			System.out.printf("poison flood: %d messages (half invalid) in %d s; heap cap 96 MiB, peak RSS %d MiB%n",
					2 * each, seconds, peakRss);
			assertThat(service.output()).doesNotContain("OutOfMemoryError");
			assertThat(service.counter("logins_rejected_total")).isEqualTo(each);
			return peakRss;
		}
	}

}
