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
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Encrypts write keys (and inbound secrets, which the relay must use, not just check) at rest with AES-256-GCM under the master key. The integration id is bound
 * in as associated data, so a ciphertext copied onto another row does not decrypt. During a
 * rotation, a write key still under the previous master key is read with that one; {@link
 * MasterKeyRotation} re-encrypts it under the new one at start.
 */
@Component
public class WriteKeyCipher {

  private static final int IV_BYTES = 12;
  private static final int TAG_BITS = 128;

  private final SecretKeySpec key;
  private final SecretKeySpec previous;
  private final SecureRandom random = new SecureRandom();

  @Autowired
  WriteKeyCipher(Secrets secrets) {
    this(secrets.masterKey(), secrets.previousMasterKey().orElse(null));
  }

  /** A cipher under {@code masterKey} that also reads what is under {@code previous} (or null). */
  WriteKeyCipher(byte[] masterKey, byte[] previous) {
    this.key = new SecretKeySpec(masterKey, "AES");
    this.previous = previous == null ? null : new SecretKeySpec(previous, "AES");
  }

  /** What a stored write key is encrypted under. */
  public enum Under { CURRENT, PREVIOUS, NEITHER }

  public String encrypt(String writeKey, String integrationId) {
    var iv = new byte[IV_BYTES];
    random.nextBytes(iv);
    try {
      var cipher = cipher(Cipher.ENCRYPT_MODE, key, iv, integrationId);
      var sealed = cipher.doFinal(writeKey.getBytes(StandardCharsets.UTF_8));
      var out = ByteBuffer.allocate(iv.length + sealed.length).put(iv).put(sealed).array();
      return "v1:" + Base64.getEncoder().encodeToString(out);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM encryption failed", e);
    }
  }

  public String decrypt(String stored, String integrationId) {
    try {
      return decrypt(stored, integrationId, key);
    } catch (GeneralSecurityException e) {
      if (previous != null) {
        try {
          return decrypt(stored, integrationId, previous);
        } catch (GeneralSecurityException ignored) {
          // Under neither key: reported below.
        }
      }
      throw new IllegalStateException("Cannot decrypt a write key: was RELAY_MASTER_KEY changed"
          + " without RELAY_MASTER_KEY_PREVIOUS?", e);
    }
  }

  public Under under(String stored, String integrationId) {
    if (decrypts(stored, integrationId, key)) {
      return Under.CURRENT;
    }
    return previous != null && decrypts(stored, integrationId, previous)
        ? Under.PREVIOUS : Under.NEITHER;
  }

  private boolean decrypts(String stored, String integrationId, SecretKeySpec under) {
    try {
      decrypt(stored, integrationId, under);
      return true;
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      return false;
    }
  }

  private String decrypt(String stored, String integrationId, SecretKeySpec under)
      throws GeneralSecurityException {
    if (!stored.startsWith("v1:")) {
      throw new IllegalStateException("Unknown write key format; this indicates a bug");
    }
    var bytes = Base64.getDecoder().decode(stored.substring(3));
    var cipher = cipher(Cipher.DECRYPT_MODE, under, java.util.Arrays.copyOf(bytes, IV_BYTES),
        integrationId);
    return new String(cipher.doFinal(bytes, IV_BYTES, bytes.length - IV_BYTES),
        StandardCharsets.UTF_8);
  }

  private Cipher cipher(int mode, SecretKeySpec under, byte[] iv, String integrationId)
      throws GeneralSecurityException {
    var cipher = Cipher.getInstance("AES/GCM/NoPadding");
    cipher.init(mode, under, new GCMParameterSpec(TAG_BITS, iv));
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
