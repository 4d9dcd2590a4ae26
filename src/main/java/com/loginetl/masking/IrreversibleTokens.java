package com.loginetl.masking;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Optional;

import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.prf.Prf;
import com.google.crypto.tink.prf.PrfSet;

/**
 * One-way tokens from Tink's PRF (HMAC-SHA256). Tink's PRF outputs carry no key id, so the token
 * gets its own 5-byte prefix:
 *
 * <pre>
 * 0x02 | primary key id (4 bytes, big-endian) | HMAC-SHA256(key, field name | 0x00 | value)  (32 bytes)
 * </pre>
 *
 * The field name (ASCII, no NUL) and the 0x00 separator keep ip and device_id tokens of the same
 * text apart. 37 bytes make 50 Base64 characters, whatever the value's length.
 */
final class IrreversibleTokens implements Tokens {

	/** Not one of Tink's prefix bytes (0x00, 0x01), so this format is never mistaken for Tink's. */
	static final byte FORMAT = 0x02;

	static final int OUTPUT_BYTES = 32;

	private final Prf primary;

	private final int primaryKeyId;

	private final byte[] prefix;

	IrreversibleTokens(KeysetHandle keyset) {
		try {
			PrfSet prfs = keyset.getPrimitive(RegistryConfiguration.get(), PrfSet.class);
			this.primaryKeyId = prfs.getPrimaryId();
			this.primary = prfs.getPrfs().get(this.primaryKeyId);
		}
		catch (GeneralSecurityException ex) {
			throw new MaskingKeyException("The masking keyset cannot make PRF tokens (" + ex.getMessage() + "). "
					+ "Create an irreversible keyset with 'java -jar login-etl.jar keygen --irreversible'.", ex);
		}
		this.prefix = Tokens.prefix(FORMAT, this.primaryKeyId);
	}

	@Override
	public byte[] make(PiiField field, byte[] value) {
		byte[] name = field.fieldName().getBytes(StandardCharsets.US_ASCII);
		byte[] input = new byte[name.length + 1 + value.length];
		System.arraycopy(name, 0, input, 0, name.length);
		input[name.length] = 0x00;
		System.arraycopy(value, 0, input, name.length + 1, value.length);
		byte[] token = new byte[PREFIX_BYTES + OUTPUT_BYTES];
		System.arraycopy(this.prefix, 0, token, 0, PREFIX_BYTES);
		try {
			System.arraycopy(this.primary.compute(input, OUTPUT_BYTES), 0, token, PREFIX_BYTES, OUTPUT_BYTES);
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("Tink failed to mask a " + field.fieldName() + " value", ex);
		}
		return token;
	}

	/** One-way: no key reads a value back. */
	@Override
	public Optional<byte[]> read(PiiField field, byte[] token) {
		return Optional.empty();
	}

	@Override
	public int primaryKeyId() {
		return this.primaryKeyId;
	}

	@Override
	public byte formatByte() {
		return FORMAT;
	}

}
