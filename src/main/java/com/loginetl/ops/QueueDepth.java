package com.loginetl.ops;

import java.util.Map;

import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * A queue's message counts as SQS approximates them (they can lag behind by up to a minute on
 * AWS).
 *
 * @param visible messages a consumer could receive now
 * @param inFlight messages received and neither deleted nor returned yet
 * @param delayed messages sent with a delay that has not passed yet
 */
public record QueueDepth(long visible, long inFlight, long delayed) {

	public static QueueDepth of(Map<QueueAttributeName, String> attributes) {
		return new QueueDepth(count(attributes, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES),
				count(attributes, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE),
				count(attributes, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED));
	}

	public boolean empty() {
		return this.visible == 0 && this.inFlight == 0 && this.delayed == 0;
	}

	private static long count(Map<QueueAttributeName, String> attributes, QueueAttributeName name) {
		String value = attributes.get(name);
		if (value == null) {
			throw new IllegalStateException("SQS did not return " + name);
		}
		return Long.parseLong(value);
	}

}
