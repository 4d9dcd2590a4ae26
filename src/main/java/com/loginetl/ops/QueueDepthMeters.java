package com.loginetl.ops;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToLongFunction;

import com.google.common.util.concurrent.AtomicDouble;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.stereotype.Component;

/**
 * Gauges {@code logins.queue.messages} with tags {@code queue} ({@value #SOURCE},
 * {@value #DEAD_LETTER}) and {@code state} (visible, in_flight, delayed), so dashboards and alerts
 * see the backlog without KEDA or a CloudWatch exporter. They hold the last depths
 * {@link QueueDepthPoller} read: a scrape never calls SQS. A queue whose depth is not known (not
 * read yet, or SQS did not answer the last read) shows NaN.
 */
@Component
public class QueueDepthMeters {

	public static final String NAME = "logins.queue.messages";

	public static final String SOURCE = "source";

	public static final String DEAD_LETTER = "dead-letter";

	private static final Map<String, ToLongFunction<QueueDepth>> STATES = Map.of("visible", QueueDepth::visible,
			"in_flight", QueueDepth::inFlight, "delayed", QueueDepth::delayed);

	/** Gauge value by queue tag, then state tag. */
	private final Map<String, Map<String, AtomicDouble>> values = new LinkedHashMap<>();

	public QueueDepthMeters(MeterRegistry registry) {
		for (String queue : List.of(SOURCE, DEAD_LETTER)) {
			Map<String, AtomicDouble> states = new LinkedHashMap<>();
			STATES.keySet().forEach((state) -> {
				AtomicDouble value = new AtomicDouble(Double.NaN);
				Gauge.builder(NAME, value, AtomicDouble::get)
					.description("Messages in a queue by state, as SQS approximates them, read every "
							+ "logins.queue-depth-interval")
					.tag("queue", queue)
					.tag("state", state)
					.register(registry);
				states.put(state, value);
			});
			this.values.put(queue, states);
		}
	}

	/** @param queue {@value #SOURCE} or {@value #DEAD_LETTER} */
	public void record(String queue, QueueDepth depth) {
		STATES.forEach((state, count) -> gauges(queue).get(state).set(count.applyAsLong(depth)));
	}

	/** @param queue {@value #SOURCE} or {@value #DEAD_LETTER} */
	public void unknown(String queue) {
		gauges(queue).values().forEach((value) -> value.set(Double.NaN));
	}

	private Map<String, AtomicDouble> gauges(String queue) {
		Map<String, AtomicDouble> gauges = this.values.get(queue);
		if (gauges == null) {
			throw new IllegalArgumentException("No such queue tag: " + queue);
		}
		return gauges;
	}

}
