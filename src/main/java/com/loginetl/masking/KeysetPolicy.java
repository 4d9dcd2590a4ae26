package com.loginetl.masking;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.OptionalInt;
import java.util.Set;

import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.Key;
import com.google.crypto.tink.KeyStatus;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.daead.AesSivKey;
import com.google.crypto.tink.daead.AesSivParameters;
import com.google.crypto.tink.prf.HmacPrfKey;
import com.google.crypto.tink.prf.HmacPrfParameters;
import com.google.crypto.tink.proto.KeysetInfo;
import com.google.crypto.tink.util.SecretBytes;

/**
 * Decides whether a keyset may mask data, and in which mode. A keyset is refused, with a message
 * that names the problem, when it has no primary key, holds a key of another type than AES-SIV
 * (deterministic AEAD) or HMAC-SHA256 (PRF), mixes the two, holds an HMAC key other than HMAC-SHA256 with
 * at least 32 bytes, or has an AES-SIV key whose tokens would not carry its key id.
 * <p>
 * It also recognises the public development keyset of this repository by a SHA-256 fingerprint
 * of its key bytes, so that no key material of it is part of the service.
 */
final class KeysetPolicy {

	/**
	 * SHA-256 of the key bytes of each key in {@code src/test/resources/dev-keyset.json}, the keyset
	 * that the local run masks with and that anyone with the repository can read.
	 */
	private static final Set<String> DEVELOPMENT_KEY_FINGERPRINTS = Set
		.of("97987be2434f6a0e2888b7178c18ee20c91a7e66403dd58e97b31986a6cff0a5");

	private static final int HMAC_KEY_BYTES = 32;

	private KeysetPolicy() {
	}

	/** @return the mode the keyset's tokens have; throws {@link MaskingKeyException} for an unsafe keyset */
	static MaskingMode check(KeysetHandle keyset) {
		KeysetInfo info = keyset.getKeysetInfo();
		Set<MaskingMode> modes = EnumSet.noneOf(MaskingMode.class);
		for (int i = 0; i < keyset.size(); i++) {
			KeysetHandle.Entry entry = keyset.getAt(i);
			String id = Integer.toUnsignedString(entry.getId());
			MaskingMode mode = modeOf(entry.getKey());
			if (mode == null) {
				throw new MaskingKeyException("The masking keyset holds key " + id + " of type "
						+ typeUrl(info, entry.getId()) + ", which is not a masking key. A masking keyset holds "
						+ "either AES256-SIV keys (deterministic AEAD: reversible tokens) or HMAC-SHA256 PRF keys "
						+ "(irreversible tokens). " + MaskingProperties.HOW_TO_FIX);
			}
			checkStrength(entry.getKey(), id);
			modes.add(mode);
		}
		if (modes.size() > 1) {
			throw new MaskingKeyException("The masking keyset mixes AES-SIV keys (reversible tokens) with HMAC PRF "
					+ "keys (irreversible tokens); one keyset makes one kind of token. Rotate within one kind: "
					+ "'keygen --rotate FILE'.");
		}
		OptionalInt primary = primaryId(keyset);
		if (primary.isEmpty()) {
			throw new MaskingKeyException("The masking keyset has no primary key (primaryKeyId is missing or names no "
					+ "enabled key), so it cannot make tokens. Every keyset made by 'keygen' or 'keygen --rotate' "
					+ "has one.");
		}
		return modes.iterator().next();
	}

	/** The id of the first key of {@code keyset} that is the public development key, if any. */
	static OptionalInt developmentKey(KeysetHandle keyset) {
		for (int i = 0; i < keyset.size(); i++) {
			SecretBytes bytes = keyBytes(keyset.getAt(i).getKey());
			if (bytes != null && DEVELOPMENT_KEY_FINGERPRINTS.contains(fingerprint(bytes))) {
				return OptionalInt.of(keyset.getAt(i).getId());
			}
		}
		return OptionalInt.empty();
	}

	private static MaskingMode modeOf(Key key) {
		if (key instanceof AesSivKey) {
			return MaskingMode.REVERSIBLE;
		}
		if (key instanceof HmacPrfKey) {
			return MaskingMode.IRREVERSIBLE;
		}
		return null;
	}

	private static void checkStrength(Key key, String id) {
		if (key instanceof AesSivKey aesSiv) {
			// Tink itself accepts only 64-byte (AES256-SIV) keys.
			AesSivParameters parameters = aesSiv.getParameters();
			if (parameters.getVariant() != AesSivParameters.Variant.TINK) {
				throw new MaskingKeyException("Masking key " + id + " has output prefix " + parameters.getVariant()
						+ "; the service needs TINK, so that every token names the key that made it (rotation "
						+ "depends on it). " + MaskingProperties.HOW_TO_FIX);
			}
		}
		else if (key instanceof HmacPrfKey hmac) {
			HmacPrfParameters parameters = hmac.getParameters();
			if (parameters.getHashType() != HmacPrfParameters.HashType.SHA256
					|| parameters.getKeySizeBytes() < HMAC_KEY_BYTES) {
				throw new MaskingKeyException("Masking key " + id + " is " + parameters
						+ "; irreversible tokens need HMAC-SHA256 with a key of at least 32 bytes. "
						+ "Create one with 'java -jar login-etl.jar keygen --irreversible'.");
			}
		}
	}

	private static OptionalInt primaryId(KeysetHandle keyset) {
		try {
			KeysetHandle.Entry primary = keyset.getPrimary();
			return (primary.getStatus() == KeyStatus.ENABLED) ? OptionalInt.of(primary.getId()) : OptionalInt.empty();
		}
		catch (IllegalStateException noPrimary) {
			return OptionalInt.empty();
		}
	}

	private static String typeUrl(KeysetInfo info, int keyId) {
		return info.getKeyInfoList()
			.stream()
			.filter((key) -> key.getKeyId() == keyId)
			.map(KeysetInfo.KeyInfo::getTypeUrl)
			.findFirst()
			.orElse("unknown");
	}

	private static SecretBytes keyBytes(Key key) {
		if (key instanceof AesSivKey aesSiv) {
			return aesSiv.getKeyBytes();
		}
		if (key instanceof HmacPrfKey hmac) {
			return hmac.getKeyBytes();
		}
		return null;
	}

	private static String fingerprint(SecretBytes key) {
		try {
			return HexFormat.of()
				.formatHex(MessageDigest.getInstance("SHA-256").digest(key.toByteArray(InsecureSecretKeyAccess.get())));
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("SHA-256 is missing from this JVM", ex);
		}
	}

}
