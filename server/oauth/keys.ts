import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, hkdfSync, type JsonWebKey, type KeyObject } from 'node:crypto';

export type SigningAlgorithm = 'ES256' | 'ES384' | 'RS256';

/** A parsed signing key: KeyObjects are built once, because jsonwebtoken re-parses PEM strings on every call. */
export interface SigningKey {
  kid: string;
  alg: SigningAlgorithm;
  privateKey: KeyObject;
  publicKey: KeyObject;
  publicJwk: JsonWebKey;
  /**
   * The key of the tag our own tokens carry beside their signature (see AccessTokens), derived from the
   * private key: whoever can sign with this key can tag, and nobody else, so a deployment's processes
   * agree on it without a secret of its own, and it rotates with the signing key.
   */
  tagKey: Buffer;
}

/**
 * The keys that sign and verify our access tokens. The first key signs; every key verifies, so a new
 * key can be put first while tokens signed by the old one live out their hour (rotation).
 */
export class KeyRing {
  private readonly byKid: Map<string, SigningKey>;

  private constructor(readonly keys: SigningKey[]) {
    if (keys.length === 0) throw new Error('a key ring needs at least one key');
    this.byKid = new Map(keys.map((key) => [key.kid, key]));
  }

  /** Parses PEM private keys (EC P-256/P-384 or RSA ≥ 2048 bits); throws a clear error on anything else. */
  static fromPems(pems: string[]): KeyRing {
    return new KeyRing(pems.map((pem, index) => toSigningKey(createPrivateKey(pem), `signing key #${index + 1}`)));
  }

  /**
   * Why one PEM text cannot sign our tokens (not a parsable private key, an unsupported curve or type, a
   * short RSA key), or undefined when it can; `label` names it in the answer.
   */
  static problemWith(pem: string, label: string): string | undefined {
    let key: KeyObject;
    try {
      key = createPrivateKey(pem);
    } catch (error) {
      return `${label} is not a valid PEM private key (${(error as Error).message})`;
    }
    try {
      toSigningKey(key, label);
      return undefined;
    } catch (error) {
      return (error as Error).message;
    }
  }

  /**
   * A fresh P-256 key for development. ES256 because a signature costs about 60 µs against RS256's
   * 0.5 ms, and signing is the token endpoint's main CPU cost.
   */
  static generate(): KeyRing {
    const generated = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    // Re-imported so the signing key shares no data with the generation job: on Node 20, GC finalizing that job
    // while the key's details are read can deadlock the process (seen in the test suite with an RSA key).
    const privateKey = createPrivateKey(generated.export({ format: 'pem', type: 'pkcs8' }));
    return new KeyRing([toSigningKey(privateKey, 'generated key')]);
  }

  /** The key new tokens are signed with. */
  get active(): SigningKey {
    return this.keys[0] as SigningKey;
  }

  /** The verifying key for a `kid`, or undefined for a key we never had. */
  find(kid: string): SigningKey | undefined {
    return this.byKid.get(kid);
  }

  /** The public keys as a JWKS document. */
  jwks(): { keys: JsonWebKey[] } {
    return { keys: this.keys.map((key) => key.publicJwk) };
  }
}

function toSigningKey(privateKey: KeyObject, label: string): SigningKey {
  if (privateKey.type !== 'private') throw new Error(`${label} is not a private key`);
  const alg = algorithmFor(privateKey, label);
  const publicKey = createPublicKey(privateKey);
  const jwk = publicKey.export({ format: 'jwk' });
  const kid = thumbprint(jwk);
  const tagKey = Buffer.from(hkdfSync('sha256', privateKey.export({ format: 'der', type: 'pkcs8' }), 'linkwright', `access-token tag ${kid}`, 32));
  return { kid, alg, privateKey, publicKey, publicJwk: { ...jwk, kid, alg, use: 'sig' }, tagKey };
}

function algorithmFor(key: KeyObject, label: string): SigningAlgorithm {
  const details = key.asymmetricKeyDetails;
  if (key.asymmetricKeyType === 'ec') {
    if (details?.namedCurve === 'prime256v1') return 'ES256';
    if (details?.namedCurve === 'secp384r1') return 'ES384';
    throw new Error(`${label}: EC curve ${details?.namedCurve ?? '?'} is not supported (use P-256)`);
  }
  if (key.asymmetricKeyType === 'rsa') {
    if ((details?.modulusLength ?? 0) < 2048) throw new Error(`${label}: RSA keys must be at least 2048 bits`);
    return 'RS256';
  }
  throw new Error(`${label}: key type ${key.asymmetricKeyType ?? '?'} is not supported (use EC P-256 or RSA)`);
}

/** RFC 7638 JWK thumbprint, so a key's id is derived from the key and stable across restarts. */
function thumbprint(jwk: JsonWebKey): string {
  const members =
    jwk.kty === 'EC' ? { crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y } : { e: jwk.e, kty: jwk.kty, n: jwk.n };
  return createHash('sha256').update(JSON.stringify(members)).digest('base64url');
}
