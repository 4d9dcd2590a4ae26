package com.loginetl.dlq;

import java.io.PrintStream;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.LongConsumer;

import com.loginetl.masking.DeadLetterSeal;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code dlq show}: prints the dead letters whose reason matches, each with its original body
 * opened, one JSON object a line, for key holders. Like {@code dlq stats} it consumes nothing: each
 * dead letter read is held invisible until the run ends, then all are visible again at once.
 * Everything printed is JSON-escaped, so a body or an attribute cannot add lines or terminal
 * control sequences of its own.
 */
final class DeadLetterShow {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private DeadLetterShow() {
	}

	static Summary print(DeadLetterQueues queues, DeadLetterSeal seal, ReasonFilter filter, long limit,
			Duration visibility, PrintStream out, LongConsumer progress) {
		Holds holds = new Holds(queues, visibility);
		Set<String> seen = new HashSet<>();
		long shown = 0;
		long unopened = 0;
		long omitted = 0;
		long notMatching = 0;
		long overLimit = 0;
		try {
			while (true) {
				holds.renewIfDue();
				List<DeadLetter> batch = queues.receive(visibility);
				if (batch.isEmpty()) {
					break;
				}
				for (DeadLetter deadLetter : batch) {
					holds.hold(deadLetter);
					if (!seen.add(deadLetter.messageId())) {
						continue;
					}
					if (!filter.matches(deadLetter.reason())) {
						notMatching++;
						continue;
					}
					if (shown + unopened + omitted >= limit) {
						overLimit++;
						continue;
					}
					String body = deadLetter.originalBody(seal);
					if (body != null) {
						shown++;
					}
					else if (deadLetter.isOmitted()) {
						omitted++;
					}
					else {
						unopened++;
					}
					out.println(line(deadLetter, body));
				}
				out.flush();
				progress.accept(seen.size());
			}
			return new Summary(shown, unopened, omitted, notMatching, overLimit);
		}
		finally {
			holds.releaseAll();
		}
	}

	private static String line(DeadLetter deadLetter, String body) {
		ObjectNode line = JSON.createObjectNode();
		line.put("message_id", deadLetter.messageId());
		line.put("source_message_id", deadLetter.sourceMessageId());
		line.put("reason", deadLetter.reason());
		line.put("sent_at", (deadLetter.sentAt() != null) ? deadLetter.sentAt().toString() : null);
		line.put("source_sent_at", (deadLetter.sourceSentAt() != null) ? deadLetter.sourceSentAt().toString() : null);
		line.put("body_kind", deadLetter.isSealed() ? "sealed" : deadLetter.isPlain() ? "plain"
				: deadLetter.isOmitted() ? "omitted" : "unknown");
		line.put("key_id", (deadLetter.sealedKeyId() != null) ? Integer.toUnsignedString(deadLetter.sealedKeyId()) : null);
		line.put("body", body);
		if (body == null) {
			line.put("note", deadLetter.isOmitted() ? "the body was too large to seal and was not kept"
					: "no key of this keyset opens the body (sealed under a retired key, or altered)");
		}
		return JSON.writeValueAsString(line);
	}

	/**
	 * @param shown printed with their original body
	 * @param unopened printed without a body: no key of the keyset opens it
	 * @param omitted printed without a body: it was too large to keep
	 * @param notMatching not printed: their reason did not match
	 * @param overLimit not printed: past {@code --limit}
	 */
	record Summary(long shown, long unopened, long omitted, long notMatching, long overLimit) {
	}

}
