package com.loginetl.storage;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.RepeatedTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The waits before a probe, with the defaults (1 s doubling to 30 s), as docs/failure-behaviour.md
 * gives them: within one outage they double up to 30 s; across outages (a revoked grant: the probe
 * succeeds, the next write fails again) they go on doubling while each failure comes within 30 s of
 * the recovery before it, and a failure that comes later starts again at 1 s. Each wait has jitter
 * of half its step either way, never below 1 s or above 30 s; the ranges asserted are those bounds.
 * Repeated, since the jitter is random.
 */
class ProbeBackoffTest {

	private static final Instant START = Instant.parse("2026-12-05T00:00:00Z");

	private final ProbeBackoff backoff = new ProbeBackoff(
			new StorageProperties.Retry(Duration.ofSeconds(1), Duration.ofSeconds(30)));

	@RepeatedTest(20)
	void withinOneOutageTheWaitDoublesFromOneSecondToThirty() {
		this.backoff.failed(START);
		List<Duration> waits = new ArrayList<>();
		for (int i = 0; i < 8; i++) {
			waits.add(this.backoff.nextDelay());
		}

		assertThat(waits.get(0)).isBetween(seconds(1), millis(1500));
		assertThat(waits.get(1)).isBetween(seconds(1), seconds(3));
		assertThat(waits.get(2)).isBetween(seconds(2), seconds(6));
		assertThat(waits.get(3)).isBetween(seconds(4), seconds(12));
		assertThat(waits.get(4)).isBetween(seconds(8), seconds(24));
		assertThat(waits.subList(5, 8)).allSatisfy((wait) -> assertThat(wait).isBetween(seconds(15), seconds(30)));
	}

	@RepeatedTest(20)
	void failuresSoonAfterEachRecoveryGoOnDoublingAndOneLaterThanTheLongestWaitStartsAgainAtOneSecond() {
		Instant now = START;
		List<Duration> waits = new ArrayList<>();
		for (int i = 0; i < 6; i++) {
			// a write fails, the probe after the wait finds the database, the next batch fails 29 s later
			this.backoff.failed(now);
			Duration wait = this.backoff.nextDelay();
			waits.add(wait);
			now = now.plus(wait);
			this.backoff.recovered(now);
			now = now.plusSeconds(29);
		}

		assertThat(waits.get(0)).isBetween(seconds(1), millis(1500));
		assertThat(waits.get(4)).isBetween(seconds(8), seconds(24));
		assertThat(waits.get(5)).isBetween(seconds(15), seconds(30));

		Instant recovered = now.minusSeconds(29);
		this.backoff.failed(recovered.plusSeconds(31));

		assertThat(this.backoff.nextDelay()).isBetween(seconds(1), millis(1500));
		assertThat(this.backoff.nextDelay()).isBetween(seconds(1), seconds(3));
	}

	private static Duration seconds(long seconds) {
		return Duration.ofSeconds(seconds);
	}

	private static Duration millis(long millis) {
		return Duration.ofMillis(millis);
	}

}
