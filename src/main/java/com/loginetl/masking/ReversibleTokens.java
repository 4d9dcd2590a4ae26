package com.loginetl.masking;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Optional;

import com.google.crypto.tink.DeterministicAead;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;

/**
 * Tink's deterministic AEAD (AES-SIV) ciphertext of the value with the field's name as associated
 * data: Tink's own prefix (0x01 and the key id), the 16-byte synthetic IV, then the encrypted
 * value. Any key of the keyset reads the tokens it made; the primary makes new ones.
 */
final class ReversibleTokens implements Tokens {

	/** Tink's prefix byte for keys with output prefix type TINK. */
	static final byte FORMAT = 0x01;

	private final DeterministicAead aead;

	private final int primaryKeyId;

	ReversibleTokens(KeysetHandle keyset) {
		try {
			this.aead = keyset.getPrimitive(RegistryConfiguration.get(), DeterministicAead.class);
		}
		catch (GeneralSecurityException ex) {
			throw new MaskingKeyException("The masking keyset cannot make deterministic AEAD tokens ("
					+ ex.getMessage() + "). " + MaskingProperties.HOW_TO_FIX, ex);
		}
		this.primaryKeyId = keyset.getPrimary().getId();
	}

	@Override
	public byte[] make(PiiField field, byte[] value) {
		try {
			return this.aead.encryptDeterministically(value, associatedData(field));
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("Tink failed to mask a " + field.fieldName() + " value", ex);
		}
	}

	@Override
	public Optional<byte[]> read(PiiField field, byte[] token) {
		try {
			return Optional.of(this.aead.decryptDeterministically(token, associatedData(field)));
		}
		catch (GeneralSecurityException wrongFieldOrKey) {
			return Optional.empty();
		}
	}

	@Override
	public int primaryKeyId() {
		return this.primaryKeyId;
	}

	@Override
	public byte formatByte() {
		return FORMAT;
	}

	private static byte[] associatedData(PiiField field) {
		return field.fieldName().getBytes(StandardCharsets.US_ASCII);
	}

}
