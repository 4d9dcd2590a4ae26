package com.loginetl.ingest;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Only a UUID is taken as a message id from an attribute; anything else is escaped before a log line. */
class MessageIdsTest {

	@Test
	void anSqsMessageIdIsAUuidAndPassesUnchanged() {
		String id = "0f8c4a4e-3b1c-4d2e-9a7b-5c6d7e8f9a0b";
		assertThat(MessageIds.isMessageId(id)).isTrue();
		assertThat(MessageIds.forLog(id)).isEqualTo(id);
		assertThat(MessageIds.isMessageId(null)).isFalse();
		assertThat(MessageIds.isMessageId(id + "\n")).isFalse();
		assertThat(MessageIds.isMessageId("original-" + id)).isFalse();
	}

	@Test
	void anythingElseIsQuotedWithLineBreaksAndControlCharactersEscaped() {
		String forged = "x\n2026-12-04T00:00:00.000Z  INFO 1 --- [main] fake : line\r\u001b[2J\"\\";
		String shown = MessageIds.forLog(forged);
		assertThat(shown).doesNotContain("\n", "\r", "\u001b").startsWith("\"x\\u000a2026-12-04").endsWith("\\u0022\\u005c\"");
		assertThat(MessageIds.forLog("y".repeat(500))).hasSize(1 + 80 + 4);
	}

}
