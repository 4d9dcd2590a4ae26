package com.loginetl.ops;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import com.loginetl.storage.DatabaseAvailability;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.binder.MeterBinder;

import org.springframework.stereotype.Component;

/**
 * Gauge {@code logins.ingest.paused} ({@code logins_ingest_paused_seconds}): how long consumption
 * has been paused because the database stopped answering, 0 while it runs. A duration rather than
 * a 0/1 flag, so that an alert on "paused longer than N minutes" needs no history and survives a
 * restart of Prometheus. Read from the state the readiness check uses, at scrape time (no I/O).
 */
@Component
public class IngestPauseMeter implements MeterBinder {

	private final DatabaseAvailability database;

	private final Clock clock = Clock.systemUTC();

	public IngestPauseMeter(DatabaseAvailability database) {
		this.database = database;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		TimeGauge.builder("logins.ingest.paused", this, TimeUnit.MILLISECONDS, IngestPauseMeter::pausedMillis)
			.description("How long consumption has been paused for a database outage; 0 while it runs")
			// Micrometer holds a gauge's object weakly: the gauge must not turn NaN once this is collected.
			.strongReference(true)
			.register(registry);
	}

	private double pausedMillis() {
		return this.database.unavailableSince()
			.map((since) -> (double) Duration.between(since, this.clock.instant()).toMillis())
			.orElse(0.0);
	}

}
