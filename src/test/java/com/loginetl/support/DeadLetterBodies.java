package com.loginetl.support;

import com.loginetl.ingest.DeadLetterAttributes;
import com.loginetl.masking.DeadLetterSeal;
import com.loginetl.masking.MaskingProperties;
import com.loginetl.masking.PiiMasker;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * Opens the sealed bodies of dead letters a test took from the dead-letter queue, as a key holder
 * would: with the seal derived from the service's masking keyset.
 */
public final class DeadLetterBodies {

	private DeadLetterBodies() {
	}

	/** The seal the service derives from this masking keyset (Tink JSON). */
	public static DeadLetterSeal seal(String keysetJson) {
		return PiiMasker.forKeyHolder(new MaskingProperties(keysetJson, null)).deadLetterSeal();
	}

	/**
	 * The original body of a dead letter the service sealed; fails the test when the dead letter is
	 * not sealed, or the seal does not open it.
	 */
	public static String open(DeadLetterSeal seal, Message deadLetter) {
		String sealed = attribute(deadLetter, DeadLetterAttributes.SEALED);
		if (!DeadLetterAttributes.SEALED_V1.equals(sealed)) {
			throw new AssertionError("dead letter " + deadLetter.messageId() + " is not sealed (sealed=" + sealed + ")");
		}
		String source = attribute(deadLetter, DeadLetterAttributes.SOURCE_MESSAGE_ID);
		return seal.openBody(source, deadLetter.body())
			.orElseThrow(() -> new AssertionError("the seal does not open dead letter " + deadLetter.messageId()));
	}

	/** {@link #open(DeadLetterSeal, Message)} with the seal of this masking keyset. */
	public static String open(String keysetJson, Message deadLetter) {
		return open(seal(keysetJson), deadLetter);
	}

	private static String attribute(Message message, String name) {
		var value = message.messageAttributes().get(name);
		return (value == null) ? null : value.stringValue();
	}

}
