package io.segmentrelay.integration;

import io.segmentrelay.system.Secrets;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.stereotype.Component;

/**
 * Encrypts write keys at rest with AES-256-GCM under the master key. The integration id is
 * bound in as associated data, so a ciphertext copied onto another row does not decrypt.
 */
@Component
class WriteKeyCipher {

  private static final int IV_BYTES = 12;
  private static final int TAG_BITS = 128;

  private final SecretKeySpec key;
  private final SecureRandom random = new SecureRandom();

  WriteKeyCipher(Secrets secrets) {
    this.key = new SecretKeySpec(secrets.masterKey(), "AES");
  }

  String encrypt(String writeKey, String integrationId) {
    var iv = new byte[IV_BYTES];
    random.nextBytes(iv);
    try {
      var cipher = cipher(Cipher.ENCRYPT_MODE, iv, integrationId);
      var sealed = cipher.doFinal(writeKey.getBytes(StandardCharsets.UTF_8));
      var out = ByteBuffer.allocate(iv.length + sealed.length).put(iv).put(sealed).array();
      return "v1:" + Base64.getEncoder().encodeToString(out);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM encryption failed", e);
    }
  }

  String decrypt(String stored, String integrationId) {
    if (!stored.startsWith("v1:")) {
      throw new IllegalStateException("Unknown write key format; this indicates a bug");
    }
    var bytes = Base64.getDecoder().decode(stored.substring(3));
    try {
      var cipher = cipher(Cipher.DECRYPT_MODE, java.util.Arrays.copyOf(bytes, IV_BYTES), integrationId);
      var plain = cipher.doFinal(bytes, IV_BYTES, bytes.length - IV_BYTES);
      return new String(plain, StandardCharsets.UTF_8);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(
          "Cannot decrypt a write key: was RELAY_MASTER_KEY changed?", e);
    }
  }

  private Cipher cipher(int mode, byte[] iv, String integrationId)
      throws GeneralSecurityException {
    var cipher = Cipher.getInstance("AES/GCM/NoPadding");
    cipher.init(mode, key, new GCMParameterSpec(TAG_BITS, iv));
    cipher.updateAAD(integrationId.getBytes(StandardCharsets.UTF_8));
    return cipher;
  }

  /** The masked form shown by the API and UI: the first and last four characters. */
  static String mask(String writeKey) {
    if (writeKey.length() <= 8) {
      return "…" + writeKey.substring(Math.max(0, writeKey.length() - 2));
    }
    return writeKey.substring(0, 4) + "…" + writeKey.substring(writeKey.length() - 4);
  }
}
