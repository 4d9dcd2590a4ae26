package com.loginetl.masking;

import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;

import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.Parameters;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.daead.DeterministicAeadConfig;
import com.google.crypto.tink.daead.PredefinedDeterministicAeadParameters;
import com.google.crypto.tink.prf.PredefinedPrfParameters;
import com.google.crypto.tink.prf.PrfConfig;

/**
 * Reading, making, rotating and trimming the Tink keysets that key the tokens. The keyset is the
 * secret itself, so its JSON is only ever read from configuration or printed by {@code keygen}.
 */
public final class Keysets {

	static {
		try {
			DeterministicAeadConfig.register();
			PrfConfig.register();
		}
		catch (GeneralSecurityException ex) {
			throw new ExceptionInInitializerError(ex);
		}
	}

	private Keysets() {
	}

	/** Makes sure Tink's primitives are registered (this class's initialiser does it). */
	static void registerPrimitives() {
	}

	/** A new reversible keyset with one AES256-SIV key, as Tink JSON. */
	public static String generate() {
		return generate(MaskingMode.REVERSIBLE);
	}

	/** A new keyset of {@code mode} with one key, as Tink JSON. */
	public static String generate(MaskingMode mode) {
		try {
			return toJson(KeysetHandle.generateNew(parameters(mode)));
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("Tink could not generate a key for a " + mode.description() + " keyset", ex);
		}
	}

	/**
	 * The keyset of {@code json} with a new key of the same kind added as its primary. The old keys
	 * stay, so tokens they made can still be read (reversible) or recognised (irreversible).
	 */
	public static String rotate(String json) {
		KeysetHandle keyset = parse(json);
		MaskingMode mode = KeysetPolicy.check(keyset);
		try {
			return toJson(KeysetHandle.newBuilder(keyset)
				.addEntry(KeysetHandle.generateEntryFromParameters(parameters(mode)).withRandomId().makePrimary())
				.build());
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("Tink could not add a key to the keyset", ex);
		}
	}

	/** The keyset of {@code json} reduced to its primary key: what is left after retiring the others. */
	public static Retired retire(String json) {
		KeysetHandle keyset = parse(json);
		KeysetPolicy.check(keyset);
		KeysetHandle.Builder builder = KeysetHandle.newBuilder(keyset);
		List<Integer> removed = new ArrayList<>();
		for (int i = keyset.size() - 1; i >= 0; i--) {
			if (!keyset.getAt(i).isPrimary()) {
				removed.add(0, keyset.getAt(i).getId());
				builder.deleteAt(i);
			}
		}
		try {
			return new Retired(toJson(builder.build()), keyset.getPrimary().getId(), removed);
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("Tink could not rebuild the keyset", ex);
		}
	}

	/** The keyset the properties point at, parsed. */
	public static KeysetHandle load(MaskingProperties properties) {
		return parse(properties.keysetJson());
	}

	static KeysetHandle parse(String json) {
		registerPrimitives();
		try {
			return TinkJsonProtoKeysetFormat.parseKeyset(json, InsecureSecretKeyAccess.get());
		}
		catch (GeneralSecurityException | RuntimeException ex) {
			// Tink's parse errors never contain key material, but keep the message short and generic.
			throw new MaskingKeyException("The masking keyset is not a valid Tink JSON keyset ("
					+ ex.getClass().getSimpleName() + "). " + MaskingProperties.HOW_TO_FIX, ex);
		}
	}

	private static String toJson(KeysetHandle keyset) throws GeneralSecurityException {
		return TinkJsonProtoKeysetFormat.serializeKeyset(keyset, InsecureSecretKeyAccess.get());
	}

	private static Parameters parameters(MaskingMode mode) {
		return switch (mode) {
			case REVERSIBLE -> PredefinedDeterministicAeadParameters.AES256_SIV;
			case IRREVERSIBLE -> PredefinedPrfParameters.HMAC_SHA256_PRF;
		};
	}

	/**
	 * A keyset reduced to its primary key.
	 *
	 * @param json the remaining keyset as Tink JSON
	 * @param primaryKeyId the key that remains
	 * @param removedKeyIds the keys that were removed
	 */
	public record Retired(String json, int primaryKeyId, List<Integer> removedKeyIds) {
	}

}
