package com.loginetl.faults;

import java.time.Duration;

import com.loginetl.support.Scenario;
import com.loginetl.support.ServiceProcess;
import com.loginetl.support.Workload;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A bad producer floods the queue: 10,000 invalid messages mixed with 10,000 valid ones, drained by
 * the service with its heap capped at 96 MiB. Memory stays bounded because the service holds no
 * more than {@code max-concurrent-messages} messages at a time; the cap makes any growth with the
 * number of messages an OutOfMemoryError, and the peak resident set size is printed.
 */
class PoisonFloodIT {

	@Test
	void everyValidMessageIsWrittenAndEveryInvalidOneDeadLetteredWithBoundedMemory() {
		Scenario scenario = Scenario.create("flood");
		Workload workload = scenario.workload();
		workload.send(10_000, 10_000);

		long started = System.nanoTime();
		try (ServiceProcess service = scenario.startService("-Xmx96m", "-XX:+ExitOnOutOfMemoryError")) {
			workload.assertEveryValidMessageIsExactlyOneRow(Duration.ofSeconds(180));
			workload.assertEveryInvalidMessageIsDeadLettered(Duration.ofSeconds(180));
			long seconds = Duration.ofNanos(System.nanoTime() - started).toSeconds();
			long peakRss = service.peakRssKib();
			System.out.printf("poison flood: 20,000 messages (half invalid) in %d s; heap cap 96 MiB, peak RSS %d MiB%n",
					seconds, peakRss / 1024);
			assertThat(service.output()).doesNotContain("OutOfMemoryError");
			assertThat(service.counter("logins_rejected_total")).isEqualTo(10_000);
		}
	}

}
