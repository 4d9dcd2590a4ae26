package com.loginetl.ingest;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.loginetl.ops.TracingSwitch;
import io.micrometer.tracing.Link;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.TraceContext;
import io.micrometer.tracing.Tracer;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.messaging.Message;
import org.springframework.stereotype.Component;
import org.springframework.util.StringUtils;

/**
 * The spans of a batch: one span per received batch, with no parent and a link to each message's
 * producer span (a batch has many parents), read from the W3C {@code traceparent} attribute; and
 * child spans for the insert, the dead-letter send and the delete. Spans carry counts and fixed
 * names only, never a value from a message body. Without a tracer (tracing off) every method costs
 * a field read and returns {@link Span#NOOP}.
 */
@Component
class BatchTracing {

	/** The message attributes of W3C trace context that the listener asks SQS for. */
	static final String TRACEPARENT = "traceparent";

	static final String TRACESTATE = "tracestate";

	/** Version 00, as W3C Trace Context defines it; anything else a producer sends is ignored. */
	private static final Pattern TRACEPARENT_FORM = Pattern.compile("00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})");

	private static final String ZERO_TRACE = "0".repeat(32);

	private static final String ZERO_SPAN = "0".repeat(16);

	private final Tracer tracer;

	/**
	 * @param endpoint the OTLP endpoint; without one the batch path uses no tracer at all, even where
	 * Spring Boot made one (it does whenever Micrometer Tracing is on the classpath)
	 */
	BatchTracing(ObjectProvider<Tracer> tracer,
			@Value("${" + TracingSwitch.ENDPOINT + ":}") String endpoint) {
		this.tracer = StringUtils.hasText(endpoint) ? tracer.getIfAvailable(() -> Tracer.NOOP) : Tracer.NOOP;
	}

	boolean enabled() {
		return this.tracer != Tracer.NOOP;
	}

	/** Starts the batch's span, linked to the producers' spans; the caller puts it in scope and ends it. */
	Span startBatch(List<Message<String>> batch) {
		if (!enabled()) {
			return Span.NOOP;
		}
		Span.Builder builder = this.tracer.spanBuilder()
			.setNoParent()
			.name("login-queue process")
			.kind(Span.Kind.CONSUMER)
			.tag("messaging.system", "aws_sqs")
			.tag("messaging.operation.type", "process")
			.tag("messaging.batch.message_count", Integer.toString(batch.size()));
		for (Message<String> message : batch) {
			TraceContext producer = producer(message.getHeaders().get(TRACEPARENT));
			if (producer != null) {
				builder.addLink(new Link(producer));
			}
		}
		return builder.start();
	}

	/** A child of the span in scope (the batch's), started; the caller ends it. */
	Span startChild(String name) {
		if (!enabled()) {
			return Span.NOOP;
		}
		return this.tracer.nextSpan().name(name).start();
	}

	/** {@code work}, which ends {@code span} when it completes (the same future when tracing is off). */
	static <T> CompletableFuture<T> endWhenDone(Span span, CompletableFuture<T> work) {
		if (span == Span.NOOP) {
			return work;
		}
		return work.whenComplete((result, failure) -> {
			if (failure != null) {
				span.error(failure);
			}
			span.end();
		});
	}

	Tracer.SpanInScope inScope(Span span) {
		return this.tracer.withSpan(span);
	}

	private TraceContext producer(Object traceparent) {
		if (!(traceparent instanceof String text)) {
			return null;
		}
		Matcher parts = TRACEPARENT_FORM.matcher(text.trim());
		if (!parts.matches() || ZERO_TRACE.equals(parts.group(1)) || ZERO_SPAN.equals(parts.group(2))) {
			return null;
		}
		return this.tracer.traceContextBuilder()
			.traceId(parts.group(1))
			.spanId(parts.group(2))
			.sampled((Integer.parseInt(parts.group(3), 16) & 1) == 1)
			.build();
	}

}
