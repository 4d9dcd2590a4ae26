package com.loginetl.masking;

import com.google.crypto.tink.KeysetHandle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KeysetsTest {

	@ParameterizedTest
	@EnumSource(MaskingMode.class)
	void rotationAddsANewPrimaryKeyOfTheSameKindAndKeepsTheOldOnes(MaskingMode mode) {
		String original = Keysets.generate(mode);
		KeysetHandle before = Keysets.parse(original);
		KeysetHandle after = Keysets.parse(Keysets.rotate(original));

		assertThat(after.size()).isEqualTo(2);
		assertThat(after.getAt(0).getId()).isEqualTo(before.getPrimary().getId());
		assertThat(after.getAt(0).isPrimary()).isFalse();
		assertThat(after.getPrimary().getId()).isNotEqualTo(before.getPrimary().getId());
		assertThat(after.getPrimary().getKey().getParameters()).isEqualTo(before.getPrimary().getKey().getParameters());
		assertThat(after.getAt(0).getKey().equalsKey(before.getPrimary().getKey())).isTrue();
	}

	@ParameterizedTest
	@EnumSource(MaskingMode.class)
	void retiringKeepsOnlyThePrimaryKey(MaskingMode mode) {
		String twiceRotated = Keysets.rotate(Keysets.rotate(Keysets.generate(mode)));
		KeysetHandle before = Keysets.parse(twiceRotated);

		Keysets.Retired retired = Keysets.retire(twiceRotated);

		KeysetHandle after = Keysets.parse(retired.json());
		assertThat(after.size()).isEqualTo(1);
		assertThat(after.getPrimary().getId()).isEqualTo(before.getPrimary().getId()).isEqualTo(retired.primaryKeyId());
		assertThat(retired.removedKeyIds()).containsExactly(before.getAt(0).getId(), before.getAt(1).getId());
	}

	@ParameterizedTest
	@EnumSource(MaskingMode.class)
	void aNewKeysetHasOneKeyOfItsKind(MaskingMode mode) {
		PiiMasker masker = PiiMasker.from(new MaskingProperties(Keysets.generate(mode), null));

		assertThat(masker.mode()).isEqualTo(mode);
	}

	@Test
	void aReversibleKeysetReadsTheTokensOfEveryKeyAfterARotation() {
		String keyset = Keysets.generate();
		PiiMasker before = PiiMasker.from(new MaskingProperties(keyset, null));
		PiiMasker after = PiiMasker.from(new MaskingProperties(Keysets.rotate(keyset), null));
		String oldToken = before.mask(PiiField.DEVICE_ID, "593-47-5928");
		String newToken = after.mask(PiiField.DEVICE_ID, "593-47-5928");

		assertThat(newToken).isNotEqualTo(oldToken);
		assertThat(after.unmask(oldToken)).contains(new PiiMasker.Unmasked(PiiField.DEVICE_ID, "593-47-5928"));
		assertThat(after.unmask(newToken)).contains(new PiiMasker.Unmasked(PiiField.DEVICE_ID, "593-47-5928"));
		assertThat(after.remask(PiiField.DEVICE_ID, oldToken)).contains(newToken);
		assertThat(after.remask(PiiField.IP, oldToken)).as("a device_id token is no ip token").isEmpty();
		assertThat(after.madeByPrimaryKey(newToken)).isTrue();
		assertThat(after.madeByPrimaryKey(oldToken)).isFalse();
		assertThat(before.unmask(newToken)).as("the old keyset does not know the new key").isEmpty();
	}

	@Test
	void rotatingSomethingThatIsNoKeysetSaysSo() {
		assertThatThrownBy(() -> Keysets.rotate("{}")).isInstanceOf(MaskingKeyException.class);
	}

}
