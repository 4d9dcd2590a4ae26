package com.loginetl.ingest;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import io.awspring.cloud.sqs.listener.backpressure.BackPressureHandler.ReleaseReason;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The window's decisions, on a clock the test moves: no test here depends on the machine's speed. */
class BatchingWindowTest {

	private static final long MS = 1_000_000;

	private final AtomicLong now = new AtomicLong(1_000 * MS);

	private final List<Long> sleeps = new ArrayList<>();

	private final BatchingWindow window = new BatchingWindow(Duration.ofMillis(50), 4, this.now::get, (nanos) -> {
		this.sleeps.add(nanos);
		this.now.addAndGet(nanos);
	});

	@Test
	void aPartialPollsSuccessorStartsOneWindowAfterIt() throws InterruptedException {
		this.window.release(8, ReleaseReason.PARTIAL_FETCH);
		this.now.addAndGet(5 * MS);

		assertThat(this.window.request(10)).isEqualTo(10);
		assertThat(this.sleeps).containsExactly(45 * MS);
	}

	@Test
	void aFullOrEmptyPollsSuccessorStartsAtOnce() throws InterruptedException {
		// a full batch releases no unused permits; an empty one already waited out its long poll
		this.window.release(0, ReleaseReason.PARTIAL_FETCH);
		this.window.release(10, ReleaseReason.NONE_FETCHED);
		this.window.release(10, ReleaseReason.PROCESSED);
		this.window.release(3, ReleaseReason.LIMITED);

		assertThat(this.window.request(10)).isEqualTo(10);
		assertThat(this.window.request(10)).isEqualTo(10);
		assertThat(this.sleeps).isEmpty();
	}

	@Test
	void pollsThatReturnTogetherWaitTogetherNotOneAfterAnother() throws InterruptedException {
		this.window.release(8, ReleaseReason.PARTIAL_FETCH);
		this.now.addAndGet(1 * MS);
		this.window.release(9, ReleaseReason.PARTIAL_FETCH);
		this.now.addAndGet(1 * MS);
		this.window.release(7, ReleaseReason.PARTIAL_FETCH);

		this.window.request(10);
		this.window.request(10);
		this.window.request(10);

		// 48 ms for the first; the second and third are due 1 ms after each other
		assertThat(this.sleeps).containsExactly(48 * MS, 1 * MS, 1 * MS);
		assertThat(this.now.get()).isEqualTo(1_000 * MS + 52 * MS);
	}

	@Test
	void aWindowLongPastCostsNothing() throws InterruptedException {
		this.window.release(8, ReleaseReason.PARTIAL_FETCH);
		this.now.addAndGet(80 * MS);

		this.window.request(10);

		assertThat(this.sleeps).isEmpty();
	}

	@Test
	void aStoppingContainerDoesNotWaitOutAWindow() throws InterruptedException {
		this.window.release(8, ReleaseReason.PARTIAL_FETCH);

		assertThat(this.window.drain(Duration.ofSeconds(1))).isTrue();
		this.window.request(10);

		assertThat(this.sleeps).isEmpty();
	}

	@Test
	void zeroTurnsTheWindowOff() throws InterruptedException {
		BatchingWindow off = new BatchingWindow(Duration.ZERO, 4, this.now::get, (nanos) -> this.sleeps.add(nanos));
		off.release(8, ReleaseReason.PARTIAL_FETCH);

		off.request(10);

		assertThat(this.sleeps).isEmpty();
	}

	@Test
	void noMoreRestingPollsThanPollsThereCanBe() throws InterruptedException {
		// six partial polls 10 ms apart, due 50 to 100 ms after the first
		for (int i = 0; i < 6; i++) {
			if (i > 0) {
				this.now.addAndGet(10 * MS);
			}
			this.window.release(5, ReleaseReason.PARTIAL_FETCH);
		}
		for (int i = 0; i < 6; i++) {
			this.window.request(10);
		}

		// four polls can be open at once, so the two oldest were forgotten: the first wait is until
		// the third one's time (20 ms from now), not the first's (now)
		assertThat(this.sleeps).containsExactly(20 * MS, 10 * MS, 10 * MS, 10 * MS);
	}

}
