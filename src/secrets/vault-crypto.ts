import {
  createCipheriv,
  createDecipheriv,
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  hkdfSync,
  randomBytes,
  type KeyObject,
} from 'node:crypto';

/*
 * The vault's cryptography, all node:crypto: an ECIES-style scheme in the spirit of Symfony's
 * secrets vault (which uses libsodium's sealed boxes). Encrypting needs only the public key, so
 * `secrets:set` works on any checkout; decrypting needs the private key, which never enters git.
 *
 *   ephemeral X25519 key pair per value
 *   shared = X25519(ephemeral private, vault public)
 *   key    = HKDF-SHA256(shared, salt = ephemeral public || vault public, info = ALGORITHM, 32 bytes)
 *   AES-256-GCM(key, random 96-bit iv, aad = "ossa-vault:<env>:<NAME>")
 *
 * The additional data binds a value to its name and environment: a file copied under another
 * name, or from dev into prod, does not decrypt.
 */

export const VAULT_ALGORITHM = 'x25519-hkdf-sha256-aes-256-gcm';

// DER headers of a raw 32-byte X25519 key (RFC 8410): keys are stored as the raw bytes, in base64url.
const PKCS8_X25519_PREFIX = Buffer.from('302e020100300506032b656e04220420', 'hex');
const SPKI_X25519_PREFIX = Buffer.from('302a300506032b656e032100', 'hex');

/** A vault key pair as stored: 43 characters of base64url each. */
export interface VaultKeyPair {
  readonly publicKey: string;
  readonly privateKey: string;
}

/** One encrypted value, as stored in `<env>.<NAME>.secret`. */
export interface SealedSecret {
  readonly version: 1;
  readonly algorithm: typeof VAULT_ALGORITHM;
  readonly name: string;
  /** The ephemeral public key (base64url). */
  readonly epk: string;
  readonly iv: string;
  readonly ciphertext: string;
  readonly tag: string;
}

/** Why a value could not be decrypted (never includes key material). */
export class VaultCryptoError extends Error {
  override readonly name = 'VaultCryptoError';
}

/** A fresh X25519 key pair for a vault. */
export function generateVaultKeyPair(): VaultKeyPair {
  const { privateKey } = generateKeyPairSync('x25519');
  const raw = privateKey.export({ format: 'der', type: 'pkcs8' }).subarray(PKCS8_X25519_PREFIX.length);
  return { privateKey: raw.toString('base64url'), publicKey: publicKeyOf(raw.toString('base64url')) };
}

/** The public key that belongs to a private key (to check a decryption key against the vault). */
export function publicKeyOf(privateKey: string): string {
  const spki = createPublicKey(privateKeyObject(privateKey)).export({ format: 'der', type: 'spki' });
  return spki.subarray(SPKI_X25519_PREFIX.length).toString('base64url');
}

/** Encrypts `value` for the vault whose public key is `publicKey`. */
export function sealSecret(name: string, env: string, value: string, publicKey: string): SealedSecret {
  const ephemeral = generateKeyPairSync('x25519');
  const epk = Buffer.from(ephemeral.publicKey.export({ format: 'der', type: 'spki' })).subarray(SPKI_X25519_PREFIX.length);
  const vaultPublic = rawKey(publicKey, 'public');
  const key = deriveKey(ephemeral.privateKey, vaultPublic, epk, vaultPublic);
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(additionalData(name, env));
  const ciphertext = Buffer.concat([cipher.update(value, 'utf8'), cipher.final()]);
  return {
    version: 1,
    algorithm: VAULT_ALGORITHM,
    name,
    epk: epk.toString('base64url'),
    iv: iv.toString('base64url'),
    ciphertext: ciphertext.toString('base64url'),
    tag: cipher.getAuthTag().toString('base64url'),
  };
}

/** Decrypts a sealed value; throws `VaultCryptoError` for a wrong key or an altered file. */
export function openSecret(sealed: SealedSecret, env: string, privateKey: string): string {
  if (sealed.version !== 1 || sealed.algorithm !== VAULT_ALGORITHM) {
    throw new VaultCryptoError(`unsupported vault format (version ${String(sealed.version)}, ${String(sealed.algorithm)})`);
  }
  const privateObject = privateKeyObject(privateKey);
  const vaultPublic = Buffer.from(publicKeyOf(privateKey), 'base64url');
  const epk = rawKey(sealed.epk, 'public');
  const key = deriveKey(privateObject, epk, epk, vaultPublic);
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(sealed.iv, 'base64url'));
    decipher.setAAD(additionalData(sealed.name, env));
    decipher.setAuthTag(Buffer.from(sealed.tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(sealed.ciphertext, 'base64url')), decipher.final()]).toString('utf8');
  } catch {
    throw new VaultCryptoError('wrong decryption key, or the file was altered or renamed');
  }
}

/** The AES key of one value: HKDF over the X25519 shared secret, salted with both public keys. */
function deriveKey(privateKey: KeyObject, peerPublic: Buffer, epk: Buffer, vaultPublic: Buffer): Buffer {
  const peer = createPublicKey({ key: Buffer.concat([SPKI_X25519_PREFIX, peerPublic]), format: 'der', type: 'spki' });
  const shared = diffieHellman({ privateKey, publicKey: peer });
  return Buffer.from(hkdfSync('sha256', shared, Buffer.concat([epk, vaultPublic]), VAULT_ALGORITHM, 32));
}

function additionalData(name: string, env: string): Buffer {
  return Buffer.from(`ossa-vault:${env}:${name}`, 'utf8');
}

function privateKeyObject(privateKey: string): KeyObject {
  return createPrivateKey({ key: Buffer.concat([PKCS8_X25519_PREFIX, rawKey(privateKey, 'private')]), format: 'der', type: 'pkcs8' });
}

function rawKey(text: string, which: 'public' | 'private'): Buffer {
  const raw = Buffer.from(text.trim(), 'base64url');
  if (raw.length !== 32 || !/^[A-Za-z0-9_-]{43}$/.test(text.trim())) {
    throw new VaultCryptoError(`the ${which} key is not a vault key (expected 43 characters of base64url)`);
  }
  return raw;
}
