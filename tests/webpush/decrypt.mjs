// Decrypts one Web Push message body (RFC 8291: aes128gcm, RFC 8188) as a browser would, with the http_ece package (pinned
// in package-lock.json), so that the centre's C# encryption is checked by an implementation other than its own.
// Usage: node decrypt.mjs BODY_FILE PRIVATE_KEY P256DH AUTH   (keys base64url: the 32-byte private scalar, the 65-byte
// public point the subscription gave the centre, the 16-byte auth secret). Prints the plaintext; exits 1 when it fails.
import { readFileSync } from 'node:fs';
import { createECDH } from 'node:crypto';
import ece from 'http_ece';

const [bodyFile, privateKey, p256dh, auth] = process.argv.slice(2);
if (!auth) {
  console.error('usage: node decrypt.mjs BODY_FILE PRIVATE_KEY P256DH AUTH');
  process.exit(2);
}

try {
  const receiver = createECDH('prime256v1');
  receiver.setPrivateKey(Buffer.from(privateKey, 'base64url'));
  // The subscription's public key must be this private key's: else the test would decrypt with keys the centre never saw.
  if (!receiver.getPublicKey().equals(Buffer.from(p256dh, 'base64url'))) {
    throw new Error('P256DH is not the public key of PRIVATE_KEY');
  }

  const plaintext = ece.decrypt(readFileSync(bodyFile), { version: 'aes128gcm', privateKey: receiver, authSecret: auth });
  process.stdout.write(plaintext);
} catch (e) {
  console.error(`decrypt.mjs: ${e.message}`);
  process.exit(1);
}
