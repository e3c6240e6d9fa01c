/**
 * Token material: random secrets, their SHA-256, and a comparison whose time does not depend on
 * where two hashes first differ. Web Crypto only, so the same code runs on Node and in workerd.
 */

/** base64url without padding. */
export function base64url(bytes: Uint8Array): string {
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

/** `bytes` random bytes from the platform's CSPRNG, base64url (32 bytes → 43 characters). */
export function randomSecret(bytes = 32): string {
  return base64url(crypto.getRandomValues(new Uint8Array(bytes)));
}

const ID_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";

/** A random id of lowercase letters and digits (12 → about 62 bits), never containing `_`. */
export function randomId(length = 12): string {
  const bytes = crypto.getRandomValues(new Uint8Array(length));
  let id = "";
  // 252 = 7 × 36: rejecting bytes above it keeps every character equally likely.
  for (let i = 0; id.length < length; i++) {
    if (i >= bytes.length) return id + randomId(length - id.length);
    const b = bytes[i] as number;
    if (b < 252) id += ID_ALPHABET[b % 36];
  }
  return id;
}

/** SHA-256 of a UTF-8 string (or of bytes), as 64 lowercase hex digits. */
export async function sha256Hex(text: string | Uint8Array): Promise<string> {
  const bytes = typeof text === "string" ? new TextEncoder().encode(text) : text;
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>));
  let hex = "";
  for (const b of digest) hex += b.toString(16).padStart(2, "0");
  return hex;
}

/**
 * Compares two strings in time that depends only on their lengths (hex hashes always have the
 * same length), so a caller cannot learn a stored hash byte by byte from response times.
 */
export function constantTimeEqual(a: string, b: string): boolean {
  let diff = a.length ^ b.length;
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) diff |= (a.charCodeAt(i) | 0) ^ (b.charCodeAt(i) | 0);
  return diff === 0;
}
