package com.loginetl.masking;

import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One keyset's way of making tokens. Both kinds start with a 5-byte prefix: a format byte, then
 * the id of the key that made the token (4 bytes, big-endian), so a token always says its key.
 */
sealed interface Tokens permits ReversibleTokens, IrreversibleTokens {

	int PREFIX_BYTES = 5;

	/** The raw token (before Base64) of the canonical value's UTF-8 bytes, made with the primary key. */
	byte[] make(PiiField field, byte[] value);

	/** The value's UTF-8 bytes, if a key of this keyset made the raw token for {@code field}. */
	Optional<byte[]> read(PiiField field, byte[] token);

	int primaryKeyId();

	/** The format byte this kind of token starts with. */
	byte formatByte();

	/** The key id of a raw token of this kind, or empty when it is not one. */
	default OptionalInt keyId(byte[] token) {
		if (token.length < PREFIX_BYTES || token[0] != formatByte()) {
			return OptionalInt.empty();
		}
		return OptionalInt.of(ByteBuffer.wrap(token, 1, 4).getInt());
	}

	static byte[] prefix(byte formatByte, int keyId) {
		return ByteBuffer.allocate(PREFIX_BYTES).put(formatByte).putInt(keyId).array();
	}

}
