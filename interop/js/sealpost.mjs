#!/usr/bin/env node
// Sealpost protocol v1: an independent JavaScript implementation written from
// PROTOCOL.md (sections 1, 2, 3, 5 and the client API of 4 and 7) alone, used
// to cross-check the Java implementation. See README.md for the commands.

import { readFileSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { webcrypto } from 'node:crypto';
import { Wallet, verifyMessage, getAddress, Signature } from 'ethers';
import { ed25519, x25519 } from '@noble/curves/ed25519.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { CipherSuite, DhkemX25519HkdfSha256, HkdfSha256, Aes256Gcm } from '@hpke/core';

const subtle = webcrypto.subtle;
const utf8 = new TextEncoder();
const utf8Strict = new TextDecoder('utf-8', { fatal: true });

// ---------------------------------------------------------------------------
// Errors

/** An error whose message is printed as is (one line) before exiting 1. */
class CliError extends Error {
  constructor(reason, detail, exitCode = 1) {
    super(detail === undefined ? reason : `${reason}: ${detail}`);
    this.reason = reason;
    this.exitCode = exitCode;
  }
}
const fail = (reason, detail) => { throw new CliError(reason, detail); };
/** Like fail, with another exit code (3: HTTP error answer, 4: timeout). */
const failWith = (exitCode, reason, detail) => { throw new CliError(reason, detail, exitCode); };
const oneLine = (s) => String(s).replace(/[\r\n]+/g, ' ').trim();

// ---------------------------------------------------------------------------
// Bytes

const hex = (b) => Buffer.from(b).toString('hex');
const concat = (...parts) => {
  const bufs = parts.map((p) => (typeof p === 'string' ? utf8.encode(p) : p));
  const out = new Uint8Array(bufs.reduce((n, b) => n + b.length, 0));
  let o = 0;
  for (const b of bufs) { out.set(b, o); o += b.length; }
  return out;
};
const u16be = (n) => {
  if (!Number.isInteger(n) || n < 0 || n > 0xffff) fail('malformed', 'recipient too long for u16 length');
  return new Uint8Array([n >> 8, n & 0xff]);
};
const i64be = (v) => {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigInt64(0, BigInt.asIntN(64, v), false);
  return b;
};
const bytesEqual = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);
const randomBytes = (n) => webcrypto.getRandomValues(new Uint8Array(n));

/** Lowercase hex of an exact byte length (used for protocol fields: hex is lowercase). */
function parseHexField(s, nBytes, what) {
  if (typeof s !== 'string' || !new RegExp(`^[0-9a-f]{${nBytes * 2}}$`).test(s)) {
    fail('malformed', `${what} must be ${nBytes * 2} lowercase hex digits`);
  }
  return new Uint8Array(Buffer.from(s, 'hex'));
}

/** A 32-byte private key given on the command line, with or without 0x, any case. */
function parseKeyArg(s, what) {
  const m = /^(?:0x)?([0-9a-fA-F]{64})$/.exec(String(s).trim());
  if (!m) fail('usage', `${what} must be 64 hex digits`);
  return m[1].toLowerCase();
}

// ---------------------------------------------------------------------------
// §1 accounts

/** Canonical account: 0x + 40 lowercase hex. Mixed case must pass EIP-55. */
function canonicalAccount(input) {
  if (typeof input !== 'string') fail('malformed', 'account must be a string');
  const m = /^0x([0-9a-fA-F]{40})$/.exec(input);
  if (!m) fail('malformed', `account is not 0x followed by 40 hex digits: ${JSON.stringify(input)}`);
  const digits = m[1];
  const lower = digits.toLowerCase();
  const mixed = /[a-f]/.test(digits) && /[A-F]/.test(digits);
  if (mixed && getAddress('0x' + lower) !== input) {
    fail('malformed', `account fails the EIP-55 checksum: ${input}`);
  }
  return '0x' + lower;
}

// ---------------------------------------------------------------------------
// Time: RFC 3339 UTC, seconds, Z

const TIME_RE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})Z$/;

/** Parses a protocol time string strictly; returns Unix seconds (number). */
function parseTime(s, what) {
  const m = typeof s === 'string' ? TIME_RE.exec(s) : null;
  if (!m) fail('malformed', `${what} is not an RFC 3339 UTC time like 2026-11-24T10:00:00Z: ${JSON.stringify(s)}`);
  const ms = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]);
  if (!Number.isFinite(ms) || formatTime(ms / 1000) !== s) fail('malformed', `${what} is not a valid date/time: ${s}`);
  return ms / 1000;
}
function formatTime(secs) {
  const d = new Date(secs * 1000);
  if (Number.isNaN(d.getTime()) || d.getUTCFullYear() < 0 || d.getUTCFullYear() > 9999) fail('usage', 'time out of range');
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
const nowSecs = () => Math.floor(Date.now() / 1000);
function timeArg(s, what) {
  try { return parseTime(s, what); } catch (e) { fail('usage', e.message.replace(/^malformed: /, '')); }
}

// ---------------------------------------------------------------------------
// §2 installations

function installationId(signingPub, encryptionPub) {
  return hex(sha256(concat(signingPub, encryptionPub)).slice(0, 16));
}

function linkText({ account, home, installation, signingKey, encryptionKey, issuedAt, expiresAt }) {
  return [
    'Sealpost wants you to link a new installation to your inbox.',
    '',
    `Account: ${account}`,
    `Home server: ${home}`,
    `Installation: ${installation}`,
    `Signing key: ${signingKey}`,
    `Encryption key: ${encryptionKey}`,
    `Issued at: ${issuedAt}`,
    `Expires at: ${expiresAt}`,
  ].join('\n');
}

function revokeText({ account, installation, revokedAt }) {
  return [
    'Sealpost wants you to revoke an installation of your inbox.',
    '',
    `Account: ${account}`,
    `Installation: ${installation}`,
    `Revoked at: ${revokedAt}`,
  ].join('\n');
}

/** §2.3 revocation JSON signed by `wallet`; revokedAtArg is an RFC 3339 string or undefined (now). */
async function buildRevocation(wallet, account, installation, revokedAtArg) {
  const revokedAt = formatTime(revokedAtArg !== undefined ? timeArg(revokedAtArg, '--revoked-at') : nowSecs());
  const walletSignature = await wallet.signMessage(revokeText({ account, installation, revokedAt }));
  return { account, installation, revokedAt, walletSignature };
}

function checkHome(home) {
  if (typeof home !== 'string' || home.length === 0 || /[\s\x00-\x1f\x7f@/]/.test(home)) {
    fail('malformed', `home must be a domain name: ${JSON.stringify(home)}`);
  }
  return home.toLowerCase();
}

const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

/**
 * Recovers the signer of an EIP-191 personal_sign over `text`; returns the
 * canonical address. Signature: 0x + 130 hex, r || s || v, v in {27,28,0,1}.
 * High-s signatures are accepted (the protocol does not require low s): they
 * are normalised to (r, n-s, v^1), which recovers the same public key.
 */
function recoverSigner(text, sigHex) {
  if (typeof sigHex !== 'string' || !/^0x[0-9a-fA-F]{130}$/.test(sigHex)) {
    fail('bad-signature', 'walletSignature must be 0x followed by 130 hex digits');
  }
  const b = Buffer.from(sigHex.slice(2), 'hex');
  const r = BigInt('0x' + b.subarray(0, 32).toString('hex'));
  let s = BigInt('0x' + b.subarray(32, 64).toString('hex'));
  let v = b[64];
  if (v === 0 || v === 1) v += 27;
  if (v !== 27 && v !== 28) fail('bad-signature', `v must be 27 or 28 (or 0 or 1), got ${b[64]}`);
  if (r === 0n || r >= SECP256K1_N || s === 0n || s >= SECP256K1_N) fail('bad-signature', 'r or s out of range');
  if (s > SECP256K1_N / 2n) { s = SECP256K1_N - s; v = v === 27 ? 28 : 27; }
  let addr;
  try {
    const sig = Signature.from({
      r: '0x' + r.toString(16).padStart(64, '0'),
      s: '0x' + s.toString(16).padStart(64, '0'),
      v,
    });
    addr = verifyMessage(text, sig);
  } catch (e) {
    fail('bad-signature', `cannot recover a public key: ${oneLine(e.shortMessage || e.message)}`);
  }
  return addr.toLowerCase();
}

const BUNDLE_FIELDS = ['account', 'home', 'installation', 'signingKey', 'encryptionKey', 'issuedAt', 'expiresAt', 'walletSignature'];

/**
 * §2.2 validity. Returns the bundle with parsed key bytes and canonical
 * account; throws CliError with reason malformed | bad-signature |
 * wrong-account | id-mismatch | not-yet-valid | expired.
 */
function validateBundle(bundle, now) {
  if (bundle === null || typeof bundle !== 'object' || Array.isArray(bundle)) fail('malformed', 'bundle is not a JSON object');
  for (const f of BUNDLE_FIELDS) {
    if (typeof bundle[f] !== 'string') fail('malformed', `bundle field ${f} is missing or not a string`);
  }
  const account = canonicalAccount(bundle.account);
  const home = checkHome(bundle.home);
  if (!/^[0-9a-f]{32}$/.test(bundle.installation)) fail('malformed', 'installation must be 32 lowercase hex digits');
  const signingKey = parseHexField(bundle.signingKey, 32, 'signingKey');
  const encryptionKey = parseHexField(bundle.encryptionKey, 32, 'encryptionKey');
  const issuedAt = parseTime(bundle.issuedAt, 'issuedAt');
  const expiresAt = parseTime(bundle.expiresAt, 'expiresAt');

  const text = linkText({
    account, home, installation: bundle.installation,
    signingKey: bundle.signingKey, encryptionKey: bundle.encryptionKey,
    issuedAt: bundle.issuedAt, expiresAt: bundle.expiresAt,
  });
  const signer = recoverSigner(text, bundle.walletSignature);
  if (signer !== account) fail('wrong-account', `signature recovers to ${signer}, not ${account}`);

  const id = installationId(signingKey, encryptionKey);
  if (id !== bundle.installation) fail('id-mismatch', `keys give installation ${id}, bundle says ${bundle.installation}`);

  if (issuedAt > now + 300) fail('not-yet-valid', `issuedAt ${bundle.issuedAt} is more than 5 minutes after now ${formatTime(now)}`);
  if (!(expiresAt > now)) fail('expired', `expiresAt ${bundle.expiresAt} is not after now ${formatTime(now)}`);
  if (!(expiresAt > issuedAt)) fail('expired', `expiresAt ${bundle.expiresAt} is not after issuedAt ${bundle.issuedAt}`);
  return { account, home, installation: bundle.installation, signingKey, encryptionKey };
}

function readJsonFile(path, what) {
  let raw;
  try { raw = readFileSync(path, 'utf8'); } catch (e) { fail('io', `cannot read ${what} ${path}: ${e.code || e.message}`); }
  try { return JSON.parse(raw); } catch (e) { fail('malformed', `${what} ${path} is not JSON: ${oneLine(e.message)}`); }
}

function readBytes(path, what) {
  try { return new Uint8Array(readFileSync(path)); } catch (e) { fail('io', `cannot read ${what} ${path}: ${e.code || e.message}`); }
}

// ---------------------------------------------------------------------------
// Minimal proto3 codec for Envelope, KeyWrap, Sealed (§3)

function encVarint(v) {
  let x = BigInt.asUintN(64, BigInt(v));
  const out = [];
  while (x >= 0x80n) { out.push(Number(x & 0x7fn) | 0x80); x >>= 7n; }
  out.push(Number(x));
  return Uint8Array.from(out);
}
const tag = (field, wire) => encVarint((field << 3) | wire);

class PbWriter {
  constructor() { this.parts = []; }
  varint(field, v) { if (BigInt(v) !== 0n) this.parts.push(tag(field, 0), encVarint(v)); return this; }
  bytes(field, b) { if (b.length) this.parts.push(tag(field, 2), encVarint(b.length), b); return this; }
  string(field, s) { return this.bytes(field, utf8.encode(s)); }
  message(field, b) { this.parts.push(tag(field, 2), encVarint(b.length), b); return this; } // repeated: always present
  finish() { return concat(...this.parts); }
}

/** Yields [field, wireType, value] with value a BigInt (varint/fixed) or Uint8Array (len). Skips nothing itself. */
function* pbFields(buf) {
  let pos = 0;
  const varint = () => {
    let result = 0n, shift = 0n;
    for (let i = 0; i < 10; i++) {
      if (pos >= buf.length) fail('malformed', 'truncated varint');
      const byte = buf[pos++];
      result |= BigInt(byte & 0x7f) << shift;
      if (!(byte & 0x80)) return BigInt.asUintN(64, result);
      shift += 7n;
    }
    fail('malformed', 'varint too long');
  };
  while (pos < buf.length) {
    const key = varint();
    const field = Number(key >> 3n);
    const wire = Number(key & 7n);
    if (field === 0) fail('malformed', 'field number 0');
    switch (wire) {
      case 0: yield [field, wire, varint()]; break;
      case 1: if (pos + 8 > buf.length) fail('malformed', 'truncated fixed64'); yield [field, wire, buf.subarray(pos, pos += 8)]; break;
      case 5: if (pos + 4 > buf.length) fail('malformed', 'truncated fixed32'); yield [field, wire, buf.subarray(pos, pos += 4)]; break;
      case 2: {
        const len = varint();
        if (len > BigInt(buf.length - pos)) fail('malformed', 'truncated length-delimited field');
        yield [field, wire, buf.subarray(pos, pos += Number(len))];
        break;
      }
      default: fail('malformed', `unsupported wire type ${wire}`);
    }
  }
}

function expectWire(field, wire, want, name) {
  if (wire !== want) fail('malformed', `field ${name} (${field}) has wire type ${wire}`);
}
const pbString = (b, name) => {
  try { return utf8Strict.decode(b); } catch { fail('malformed', `field ${name} is not valid UTF-8`); }
};

/** Decodes by schema {num: [name, kind]}; kind: uint32|int64|bytes|string|repeated-message fn. Unknown fields skipped. */
function pbDecode(buf, schema, defaults) {
  const out = structuredClone(defaults);
  for (const [field, wire, value] of pbFields(buf)) {
    const spec = schema[field];
    if (!spec) continue; // unknown field: skip
    const [name, kind] = spec;
    switch (kind) {
      case 'uint32': expectWire(field, wire, 0, name); out[name] = Number(BigInt.asUintN(32, value)); break;
      case 'int64': expectWire(field, wire, 0, name); out[name] = BigInt.asIntN(64, value); break;
      case 'bytes': expectWire(field, wire, 2, name); out[name] = new Uint8Array(value); break;
      case 'string': expectWire(field, wire, 2, name); out[name] = pbString(value, name); break;
      default: expectWire(field, wire, 2, name); out[name].push(kind(value)); break;
    }
  }
  return out;
}

function encodeKeyWrap(w) {
  return new PbWriter().string(1, w.installation).bytes(2, w.enc).bytes(3, w.wrappedKey).finish();
}
function decodeKeyWrap(b) {
  return pbDecode(b, { 1: ['installation', 'string'], 2: ['enc', 'bytes'], 3: ['wrappedKey', 'bytes'] },
    { installation: '', enc: new Uint8Array(0), wrappedKey: new Uint8Array(0) });
}
function encodeEnvelope(e) {
  const w = new PbWriter().varint(1, e.version).bytes(2, e.id).string(3, e.recipient).varint(4, e.createdAtMs);
  for (const kw of e.wraps) w.message(5, encodeKeyWrap(kw));
  return w.bytes(6, e.nonce).bytes(7, e.ciphertext).finish();
}
function decodeEnvelope(b) {
  return pbDecode(b, {
    1: ['version', 'uint32'], 2: ['id', 'bytes'], 3: ['recipient', 'string'], 4: ['createdAtMs', 'int64'],
    5: ['wraps', decodeKeyWrap], 6: ['nonce', 'bytes'], 7: ['ciphertext', 'bytes'],
  }, { version: 0, id: new Uint8Array(0), recipient: '', createdAtMs: 0n, wraps: [], nonce: new Uint8Array(0), ciphertext: new Uint8Array(0) });
}
function encodeSealed(s) {
  return new PbWriter().string(1, s.sender).string(2, s.senderInstallation).bytes(3, s.signature)
    .bytes(4, s.mime).string(5, s.gateway).finish();
}
function decodeSealed(b) {
  return pbDecode(b, {
    1: ['sender', 'string'], 2: ['senderInstallation', 'string'], 3: ['signature', 'bytes'], 4: ['mime', 'bytes'], 5: ['gateway', 'string'],
  }, { sender: '', senderInstallation: '', signature: new Uint8Array(0), mime: new Uint8Array(0), gateway: '' });
}

// ---------------------------------------------------------------------------
// §3 sealing and opening

function headerHash(id, recipient, createdAtMs) {
  const r = utf8.encode(recipient);
  return sha256(concat('sealpost-v1-header', id, u16be(r.length), r, i64be(createdAtMs)));
}
const sigInput = (H, mime) => concat('sealpost-v1-sig', H, sha256(mime));
const wrapInfo = (H) => concat('sealpost-v1-wrap', H);

const suite = () => new CipherSuite({ kem: new DhkemX25519HkdfSha256(), kdf: new HkdfSha256(), aead: new Aes256Gcm() });

async function seal({ recipient, bundles, mime, createdAtMs, sender, senderInstallation, gateway, signingSecret }) {
  const id = randomBytes(16);
  const nonce = randomBytes(12);
  const H = headerHash(id, recipient, createdAtMs);
  const signature = ed25519.sign(sigInput(H, mime), signingSecret);
  const plaintext = encodeSealed({ sender, senderInstallation, signature, mime, gateway });
  const K = randomBytes(32);
  const aesKey = await subtle.importKey('raw', K, { name: 'AES-GCM' }, false, ['encrypt']);
  const ciphertext = new Uint8Array(await subtle.encrypt({ name: 'AES-GCM', iv: nonce, additionalData: H, tagLength: 128 }, aesKey, plaintext));
  const hpke = suite();
  const wraps = [];
  for (const b of bundles) {
    const pkR = await hpke.kem.deserializePublicKey(b.encryptionKey);
    const { ct, enc } = await hpke.seal({ recipientPublicKey: pkR, info: wrapInfo(H) }, K, new Uint8Array(0));
    wraps.push({ installation: b.installation, enc: new Uint8Array(enc), wrappedKey: new Uint8Array(ct) });
  }
  return encodeEnvelope({ version: 1, id, recipient, createdAtMs, wraps, nonce, ciphertext });
}

function loadRecipientBundles(files, now) {
  if (files.length === 0) fail('usage', 'at least one --to BUNDLE.json is required');
  const bundles = [];
  for (const f of files) {
    try {
      bundles.push(validateBundle(readJsonFile(f, 'bundle'), now));
    } catch (e) {
      if (e instanceof CliError) fail('invalid-bundle', `${f}: ${e.message}`);
      throw e;
    }
  }
  const recipient = bundles[0].account;
  for (let i = 1; i < bundles.length; i++) {
    if (bundles[i].account !== recipient) fail('mixed-recipients', `bundles are for ${recipient} and ${bundles[i].account}; one envelope is for one account`);
  }
  const seen = new Set();
  return { recipient, bundles: bundles.filter((b) => !seen.has(b.installation) && seen.add(b.installation)) };
}

function parseCreatedMs(s) {
  if (s === undefined) return BigInt(Date.now());
  if (!/^-?\d+$/.test(s)) fail('usage', '--created-ms must be an integer');
  const v = BigInt(s);
  if (v !== BigInt.asIntN(64, v)) fail('usage', '--created-ms out of int64 range');
  return v;
}

/**
 * §3.2: opens a serialized envelope for installation `keys`. The signer is
 * the sender bundle (installation mail) or, with `gatewayKey` (hex), the
 * gateway (§5). With both, the Sealed content decides (empty sender: gateway
 * mail). Returns { env, sealed, mime }; throws CliError with reason
 * malformed | not-for-this-account | no-wrap | decryption-failed |
 * sender-bundle-invalid | sender-mismatch | bad-signature.
 */
async function openEnvelope(keys, raw, { senderBundleJson, gatewayKey, now }) {
  const env = decodeEnvelope(raw);
  if (env.version !== 1) fail('malformed', `envelope version ${env.version}, expected 1`);
  if (env.id.length !== 16) fail('malformed', `envelope id is ${env.id.length} bytes, expected 16`);
  if (env.nonce.length !== 12) fail('malformed', `nonce is ${env.nonce.length} bytes, expected 12`);
  if (env.recipient !== keys.account) fail('not-for-this-account', `envelope is for ${JSON.stringify(env.recipient)}, this installation is ${keys.account}`);
  const wrap = env.wraps.find((w) => w.installation === keys.installation);
  if (!wrap) fail('no-wrap', `no key wrap for installation ${keys.installation}`);

  const H = headerHash(env.id, env.recipient, env.createdAtMs);
  let plaintext;
  try {
    const hpke = suite();
    const skR = await hpke.kem.deserializePrivateKey(keys.encryptionSecret);
    const K = new Uint8Array(await hpke.open({ recipientKey: skR, enc: wrap.enc, info: wrapInfo(H) }, wrap.wrappedKey, new Uint8Array(0)));
    if (K.length !== 32) throw new Error(`content key is ${K.length} bytes`);
    const aesKey = await subtle.importKey('raw', K, { name: 'AES-GCM' }, false, ['decrypt']);
    plaintext = new Uint8Array(await subtle.decrypt({ name: 'AES-GCM', iv: env.nonce, additionalData: H, tagLength: 128 }, aesKey, env.ciphertext));
  } catch (e) {
    fail('decryption-failed', oneLine(e.message || e));
  }
  const sealed = decodeSealed(plaintext);
  const toVerify = sigInput(H, sealed.mime);

  let signerKey;
  const asGateway = senderBundleJson === undefined || (gatewayKey !== undefined && sealed.sender === '');
  if (!asGateway) {
    let b;
    try { b = validateBundle(senderBundleJson, now); } catch (e) {
      if (e instanceof CliError) fail('sender-bundle-invalid', e.message);
      throw e;
    }
    if (b.installation !== sealed.senderInstallation) fail('sender-mismatch', `bundle is installation ${b.installation}, message says ${JSON.stringify(sealed.senderInstallation)}`);
    if (b.account !== sealed.sender) fail('sender-mismatch', `bundle is account ${b.account}, message says ${JSON.stringify(sealed.sender)}`);
    signerKey = b.signingKey;
  } else {
    // Gateway mail (§5): sender and sender_installation empty, gateway set.
    if (sealed.sender !== '' || sealed.senderInstallation !== '' || sealed.gateway === '') {
      fail('sender-mismatch', `not gateway mail (sender ${JSON.stringify(sealed.sender)}, gateway ${JSON.stringify(sealed.gateway)})`);
    }
    signerKey = new Uint8Array(Buffer.from(parseKeyArg(gatewayKey, '--gateway-key'), 'hex'));
  }
  let ok = false;
  try { ok = sealed.signature.length === 64 && ed25519.verify(sealed.signature, toVerify, signerKey, { zip215: false }); } catch { ok = false; }
  if (!ok) fail('bad-signature', 'Ed25519 signature does not verify');
  return { env, sealed, mime: sealed.mime };
}

const writeStdout = (data) => new Promise((resolve, reject) => process.stdout.write(data, (err) => (err ? reject(err) : resolve())));

// ---------------------------------------------------------------------------
// Installation key files

function loadKeys(dir) {
  const k = readJsonFile(join(dir, 'keys.json'), 'key file');
  try {
    return {
      account: canonicalAccount(k.account),
      home: k.home,
      installation: k.installation,
      signingSecret: parseHexField(k.signingPrivateKey, 32, 'signingPrivateKey'),
      signingPublic: parseHexField(k.signingPublicKey, 32, 'signingPublicKey'),
      encryptionSecret: parseHexField(k.encryptionPrivateKey, 32, 'encryptionPrivateKey'),
      encryptionPublic: parseHexField(k.encryptionPublicKey, 32, 'encryptionPublicKey'),
    };
  } catch (e) {
    if (e instanceof CliError) fail('bad-key-file', `${join(dir, 'keys.json')}: ${e.message}`);
    throw e;
  }
}

// ---------------------------------------------------------------------------
// §4 / §7 client API over HTTP (Node's built-in fetch, i.e. undici)

/** Methods fetch() upper-cases itself (Fetch standard "normalize a method"); others are sent as given. */
const FETCH_NORMALIZED_METHODS = ['DELETE', 'GET', 'HEAD', 'OPTIONS', 'POST', 'PUT'];
function wireMethod(m) {
  if (typeof m !== 'string' || !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(m)) fail('usage', `--method must be an HTTP token: ${JSON.stringify(m)}`);
  return FETCH_NORMALIZED_METHODS.includes(m.toUpperCase()) ? m.toUpperCase() : m;
}

/** Parses --server: an http(s) URL, optionally with a path prefix, without query or fragment. */
function serverBase(s) {
  let u;
  try { u = new URL(s); } catch { fail('usage', `--server must be a URL like http://localhost:18080: ${JSON.stringify(s)}`); }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') fail('usage', '--server must be an http:// or https:// URL');
  if (u.search || u.hash || u.username || u.password) fail('usage', '--server must not carry a query, fragment or credentials');
  return { origin: u.origin, prefix: u.pathname.replace(/\/+$/, '') };
}

/**
 * The URL to fetch and the exact path-and-query that goes on the wire (undici
 * sends url.pathname + url.search). Refuses a path that URL parsing would
 * rewrite (dot segments, unescaped spaces or non-ASCII, '#', a bare '?'...),
 * so that what is signed is byte-identical to what is sent.
 */
function requestTarget(server, pathAndQuery) {
  const { origin, prefix } = serverBase(server);
  if (typeof pathAndQuery !== 'string' || !pathAndQuery.startsWith('/')) fail('usage', `path must start with /: ${JSON.stringify(pathAndQuery)}`);
  const intended = prefix + pathAndQuery;
  const url = new URL(origin + intended);
  const wire = url.pathname + url.search;
  if (wire !== intended) fail('usage', `path-and-query ${JSON.stringify(intended)} would be sent as ${JSON.stringify(wire)}; give it in that form`);
  return { url: url.href, wire };
}

/** The bytes an installation signs for §7 auth. */
function authSignedBytes(method, pathAndQuery, time, body) {
  const head = `sealpost-v1-auth\n${method}\n${pathAndQuery}\n${time}\n`;
  if (!/^[\x20-\x7e\n]*$/.test(head)) fail('usage', 'method, path and time must be printable ASCII');
  return concat(head, hex(sha256(body)));
}

/** The Authorization header value of §7 for installation `keys`. */
function authorization(keys, method, pathAndQuery, time, body, { tamper = false } = {}) {
  const sig = ed25519.sign(authSignedBytes(method, pathAndQuery, time, body), keys.signingSecret);
  if (tamper) sig[0] ^= 0x01;
  return `Sealpost installation=${keys.installation}, time=${time}, sig=${hex(sig)}`;
}

function parseUnixTime(s) {
  if (!/^-?\d{1,15}$/.test(String(s))) fail('usage', `--time must be Unix seconds (an integer): ${JSON.stringify(s)}`);
  return String(BigInt(s));
}

const isAbort = (e) => e && (e.name === 'AbortError' || e.name === 'TimeoutError' || (e.cause && e.cause.name === 'AbortError'));

/**
 * Sends one request. `keys` (optional) signs it with installation auth over
 * the wire path (or `signPath`, to test mismatches). Returns the Response.
 */
async function send({ server, method = 'GET', path, headers = {}, body, keys, time, tamper, signPath, authHeader, signal }) {
  const m = wireMethod(method);
  const { url, wire } = requestTarget(server, path);
  const h = new Headers();
  for (const [k, v] of Object.entries(headers)) if (v !== undefined) h.set(k, v);
  if (authHeader !== undefined) h.set('authorization', authHeader);
  else if (keys) {
    h.set('authorization', authorization(keys, m, signPath ?? wire, time ?? String(nowSecs()), body ?? new Uint8Array(0), { tamper }));
  }
  try {
    return await fetch(url, { method: m, headers: h, body, signal, redirect: 'manual' });
  } catch (e) {
    if (isAbort(e)) throw e;
    const c = e.cause;
    fail('connect', `${m} ${url}: ${oneLine(c ? `${c.code || c.name || ''} ${c.message || ''}` : e.message)}`);
  }
}

async function readText(res) {
  try { return Buffer.from(await res.arrayBuffer()).toString('utf8'); } catch (e) {
    if (isAbort(e)) throw e;
    fail('connect', `reading the answer: ${oneLine(e.message)}`);
  }
}

/** §7 error shape: exits 3 with `http <status> <error>: <message>`. */
function httpFail(status, text) {
  let j;
  try { j = JSON.parse(text); } catch { j = undefined; }
  if (j && typeof j === 'object' && typeof j.error === 'string' && typeof j.message === 'string') {
    failWith(3, `http ${status} ${j.error}`, oneLine(j.message));
  }
  failWith(3, `http ${status} invalid-error-body`, oneLine(text).slice(0, 500) || '(empty body)');
}

/** Expects one of `statuses`; returns the parsed JSON body (undefined for an empty body when allowEmpty). */
async function expectJson(res, statuses, { allowEmpty = false } = {}) {
  const text = await readText(res);
  if (!statuses.includes(res.status)) {
    if (res.status >= 400) httpFail(res.status, text);
    failWith(3, `http ${res.status} unexpected-status`, `expected ${statuses.join(' or ')}; body ${oneLine(text).slice(0, 500) || '(empty)'}`);
  }
  if (allowEmpty && text === '') return undefined;
  try { return JSON.parse(text); } catch { fail('unexpected-response', `HTTP ${res.status} body is not JSON: ${oneLine(text).slice(0, 200)}`); }
}

const isObject = (o) => o !== null && typeof o === 'object' && !Array.isArray(o);
const STD_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Decodes the "envelope" field of an inbox item (RFC 4648 base64 with padding). */
function inboxEnvelopeBytes(item, where) {
  if (!isObject(item) || typeof item.cursor !== 'string' || typeof item.envelope !== 'string') {
    fail('unexpected-response', `${where} is not {"cursor": string, "envelope": string}: ${oneLine(JSON.stringify(item)).slice(0, 200)}`);
  }
  if (!STD_BASE64.test(item.envelope)) fail('unexpected-response', `${where}.envelope is not standard padded base64`);
  return new Uint8Array(Buffer.from(item.envelope, 'base64'));
}

/** Checks the §7 inbox page shape and that every envelope is for `account`. */
function checkInboxPage(page, account) {
  if (!isObject(page) || !Array.isArray(page.envelopes)) fail('unexpected-response', 'inbox answer has no "envelopes" array');
  if (!('next' in page) || (typeof page.next !== 'string' && page.next !== null)) fail('unexpected-response', `inbox answer's "next" is not a string: ${JSON.stringify(page.next)}`);
  page.envelopes.forEach((item, i) => {
    const env = decodeServedEnvelope(inboxEnvelopeBytes(item, `envelopes[${i}]`), `envelopes[${i}]`);
    if (env.recipient !== account) fail('foreign-envelope-served', `envelopes[${i}] is for ${JSON.stringify(env.recipient)}, not ${account}`);
  });
}

function decodeServedEnvelope(bytes, where) {
  try { return decodeEnvelope(bytes); } catch (e) {
    if (e instanceof CliError) fail('unexpected-response', `${where} is not an Envelope: ${e.message}`);
    throw e;
  }
}

function inboxQuery(opts) {
  const q = [];
  if (opts.after !== undefined) q.push(`after=${encodeURIComponent(opts.after)}`);
  if (opts.limit !== undefined) {
    if (!/^\d+$/.test(opts.limit)) fail('usage', '--limit must be a non-negative integer');
    q.push(`limit=${opts.limit}`);
  }
  return q.length ? `?${q.join('&')}` : '';
}

/** Verifies a served revocation's wallet signature (§2.3); returns its canonical account. */
function validateRevocation(r) {
  if (!isObject(r)) fail('malformed', 'revocation is not a JSON object');
  for (const f of ['account', 'installation', 'revokedAt', 'walletSignature']) {
    if (typeof r[f] !== 'string') fail('malformed', `revocation field ${f} is missing or not a string`);
  }
  const account = canonicalAccount(r.account);
  if (!/^[0-9a-f]{32}$/.test(r.installation)) fail('malformed', 'installation must be 32 lowercase hex digits');
  parseTime(r.revokedAt, 'revokedAt');
  const signer = recoverSigner(revokeText({ account, installation: r.installation, revokedAt: r.revokedAt }), r.walletSignature);
  if (signer !== account) fail('wrong-account', `signature recovers to ${signer}, not ${account}`);
  return { account, installation: r.installation, revokedAt: parseTime(r.revokedAt, 'revokedAt') };
}

/**
 * A Server-Sent Events parser (WHATWG HTML "event stream interpretation"):
 * lines end in CRLF, LF or CR; ':' starts a comment; "field: value" with one
 * optional space; a blank line dispatches. Calls onEvent({id, lastEventId,
 * type, data}) where id is this event's own id field (null if it had none).
 */
class SseParser {
  constructor(onEvent) {
    this.onEvent = onEvent;
    this.decoder = new TextDecoder('utf-8');
    this.buf = '';
    this.started = false;
    this.lastEventId = '';
    this.reset();
  }
  reset() { this.data = []; this.type = ''; this.id = null; }
  push(chunk) {
    this.buf += typeof chunk === 'string' ? chunk : this.decoder.decode(chunk, { stream: true });
    if (!this.started && this.buf.length) {
      this.started = true;
      if (this.buf.charCodeAt(0) === 0xfeff) this.buf = this.buf.slice(1);
    }
    let start = 0;
    for (;;) {
      const cr = this.buf.indexOf('\r', start), lf = this.buf.indexOf('\n', start);
      if (cr < 0 && lf < 0) break;
      let i, next;
      if (cr >= 0 && (lf < 0 || cr < lf)) {
        i = cr;
        if (cr + 1 === this.buf.length) break; // a CR at the end: wait, an LF may follow
        next = this.buf[cr + 1] === '\n' ? cr + 2 : cr + 1;
      } else { i = lf; next = lf + 1; }
      this.line(this.buf.slice(start, i));
      start = next;
    }
    this.buf = this.buf.slice(start);
  }
  line(l) {
    if (l === '') { this.dispatch(); return; }
    if (l.startsWith(':')) return; // comment (keep-alive)
    const c = l.indexOf(':');
    const field = c < 0 ? l : l.slice(0, c);
    let value = c < 0 ? '' : l.slice(c + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') this.data.push(value);
    else if (field === 'event') this.type = value;
    else if (field === 'id') { if (!value.includes('\0')) { this.id = value; this.lastEventId = value; } }
    // 'retry' and unknown fields are ignored
  }
  dispatch() {
    const data = this.data.join('\n');
    const ev = { id: this.id, lastEventId: this.lastEventId, type: this.type || 'message', data };
    const had = this.data.length > 0;
    this.reset();
    if (had && data !== '') this.onEvent(ev);
  }
}

/** Prints one compact JSON line. */
const printLine = (o) => writeStdout(JSON.stringify(o) + '\n');

function loadKeysFromOpts(opts) { return loadKeys(need(opts, 'dir')); }

// ---------------------------------------------------------------------------
// Command line

function parseArgs(argv, spec) {
  // spec: { flagName: 'one' | 'many' | 'flag' (no value) }
  const opts = {}; const positional = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a.startsWith('--')) {
      const name = a.slice(2);
      if (!Object.hasOwn(spec, name)) fail('usage', `unknown option ${a}`);
      if (spec[name] === 'flag') { opts[name] = true; continue; }
      if (i + 1 >= argv.length) fail('usage', `option ${a} needs a value`);
      const v = argv[++i];
      if (spec[name] === 'many') (opts[name] ||= []).push(v);
      else if (name in opts) fail('usage', `option ${a} given twice`);
      else opts[name] = v;
    } else positional.push(a);
  }
  return { opts, positional };
}
function need(opts, name) {
  if (opts[name] === undefined) fail('usage', `missing --${name}`);
  return opts[name];
}
function noPositional(positional) {
  if (positional.length) fail('usage', `unexpected argument ${positional[0]}`);
}
const printJson = (o) => process.stdout.write(JSON.stringify(o, null, 2) + '\n');

const commands = {
  async keygen(argv) {
    const { opts, positional } = parseArgs(argv, { dir: 'one', account: 'one', home: 'one', 'wallet-key': 'one', 'issued-at': 'one', 'expires-at': 'one' });
    noPositional(positional);
    const dir = need(opts, 'dir');
    let account, home;
    try { account = canonicalAccount(need(opts, 'account')); home = checkHome(need(opts, 'home')); } catch (e) { fail('usage', e.message.replace(/^malformed: /, '')); }
    const wallet = new Wallet(parseKeyArg(need(opts, 'wallet-key'), '--wallet-key'));
    const issued = opts['issued-at'] !== undefined ? timeArg(opts['issued-at'], '--issued-at') : nowSecs();
    const expires = opts['expires-at'] !== undefined ? timeArg(opts['expires-at'], '--expires-at') : issued + 365 * 86400;
    if (existsSync(join(dir, 'keys.json'))) fail('exists', `${join(dir, 'keys.json')} already exists`);

    const signingSecret = ed25519.utils.randomSecretKey();
    const signingPublic = ed25519.getPublicKey(signingSecret);
    const encryptionSecret = x25519.utils.randomSecretKey();
    const encryptionPublic = x25519.getPublicKey(encryptionSecret);
    const installation = installationId(signingPublic, encryptionPublic);
    const fields = {
      account, home, installation,
      signingKey: hex(signingPublic), encryptionKey: hex(encryptionPublic),
      issuedAt: formatTime(issued), expiresAt: formatTime(expires),
    };
    const walletSignature = await wallet.signMessage(linkText(fields));
    const bundle = { ...fields, walletSignature };
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'keys.json'), JSON.stringify({
      account, home, installation,
      signingPrivateKey: hex(signingSecret), signingPublicKey: hex(signingPublic),
      encryptionPrivateKey: hex(encryptionSecret), encryptionPublicKey: hex(encryptionPublic),
    }, null, 2) + '\n', { mode: 0o600 });
    writeFileSync(join(dir, 'bundle.json'), JSON.stringify(bundle, null, 2) + '\n');
    printJson(bundle);
  },

  async 'sign-text'(argv) {
    const { opts, positional } = parseArgs(argv, { 'wallet-key': 'one', 'text-file': 'one' });
    noPositional(positional);
    const wallet = new Wallet(parseKeyArg(need(opts, 'wallet-key'), '--wallet-key'));
    const bytes = readBytes(need(opts, 'text-file'), 'text file');
    process.stdout.write((await wallet.signMessage(bytes)) + '\n');
  },

  async 'verify-bundle'(argv) {
    const { opts, positional } = parseArgs(argv, { now: 'one' });
    if (positional.length !== 1) fail('usage', 'verify-bundle FILE [--now T]');
    const now = opts.now !== undefined ? timeArg(opts.now, '--now') : nowSecs();
    const b = validateBundle(readJsonFile(positional[0], 'bundle'), now);
    process.stdout.write(b.account + '\n');
  },

  async revoke(argv) {
    const { opts, positional } = parseArgs(argv, { 'wallet-key': 'one', account: 'one', installation: 'one', 'revoked-at': 'one' });
    noPositional(positional);
    const wallet = new Wallet(parseKeyArg(need(opts, 'wallet-key'), '--wallet-key'));
    let account;
    try { account = canonicalAccount(need(opts, 'account')); } catch (e) { fail('usage', e.message.replace(/^malformed: /, '')); }
    const installation = need(opts, 'installation');
    if (!/^[0-9a-f]{32}$/.test(installation)) fail('usage', '--installation must be 32 lowercase hex digits');
    printJson(await buildRevocation(wallet, account, installation, opts['revoked-at']));
  },

  async seal(argv) {
    const { opts, positional } = parseArgs(argv, { dir: 'one', to: 'many', in: 'one', out: 'one', 'created-ms': 'one', now: 'one' });
    noPositional(positional);
    const keys = loadKeys(need(opts, 'dir'));
    const now = opts.now !== undefined ? timeArg(opts.now, '--now') : nowSecs();
    const { recipient, bundles } = loadRecipientBundles(opts.to || [], now);
    const mime = readBytes(need(opts, 'in'), 'message');
    const out = need(opts, 'out');
    const env = await seal({
      recipient, bundles, mime, createdAtMs: parseCreatedMs(opts['created-ms']),
      sender: keys.account, senderInstallation: keys.installation, gateway: '', signingSecret: keys.signingSecret,
    });
    writeFileSync(out, env);
  },

  async 'gateway-keygen'(argv) {
    const { opts, positional } = parseArgs(argv, { out: 'one' });
    noPositional(positional);
    const out = need(opts, 'out');
    const secret = ed25519.utils.randomSecretKey();
    writeFileSync(out, hex(secret) + '\n', { mode: 0o600 });
    process.stdout.write(hex(ed25519.getPublicKey(secret)) + '\n');
  },

  async 'gateway-seal'(argv) {
    const { opts, positional } = parseArgs(argv, { key: 'one', domain: 'one', to: 'many', in: 'one', out: 'one', 'created-ms': 'one', now: 'one' });
    noPositional(positional);
    const keyFile = need(opts, 'key');
    let secretHex;
    try { secretHex = readFileSync(keyFile, 'utf8'); } catch (e) { fail('io', `cannot read key file ${keyFile}: ${e.code || e.message}`); }
    const signingSecret = new Uint8Array(Buffer.from(parseKeyArg(secretHex, 'gateway key file'), 'hex'));
    let domain;
    try { domain = checkHome(need(opts, 'domain')); } catch (e) { fail('usage', e.message.replace(/^malformed: home/, '--domain')); }
    const now = opts.now !== undefined ? timeArg(opts.now, '--now') : nowSecs();
    const { recipient, bundles } = loadRecipientBundles(opts.to || [], now);
    const mime = readBytes(need(opts, 'in'), 'message');
    const out = need(opts, 'out');
    const env = await seal({
      recipient, bundles, mime, createdAtMs: parseCreatedMs(opts['created-ms']),
      sender: '', senderInstallation: '', gateway: domain, signingSecret,
    });
    writeFileSync(out, env);
  },

  async open(argv) {
    const { opts, positional } = parseArgs(argv, { dir: 'one', 'sender-bundle': 'one', 'gateway-key': 'one', in: 'one', now: 'one' });
    noPositional(positional);
    const keys = loadKeys(need(opts, 'dir'));
    if ((opts['sender-bundle'] === undefined) === (opts['gateway-key'] === undefined)) {
      fail('usage', 'give exactly one of --sender-bundle BUNDLE.json or --gateway-key HEX');
    }
    const now = opts.now !== undefined ? timeArg(opts.now, '--now') : nowSecs();
    const raw = readBytes(need(opts, 'in'), 'envelope');
    const senderBundleJson = opts['sender-bundle'] !== undefined ? readJsonFile(opts['sender-bundle'], 'sender bundle') : undefined;
    const { mime } = await openEnvelope(keys, raw, { senderBundleJson, gatewayKey: opts['gateway-key'], now });
    await writeStdout(Buffer.from(mime));
  },
  // ----- §4 / §7 client API -------------------------------------------------

  async 'auth-header'(argv) {
    const { opts, positional } = parseArgs(argv, { dir: 'one', method: 'one', path: 'one', 'body-file': 'one', time: 'one' });
    noPositional(positional);
    const keys = loadKeysFromOpts(opts);
    const method = wireMethod(need(opts, 'method'));
    const { wire } = requestTarget('http://server.invalid', need(opts, 'path'));
    const time = opts.time !== undefined ? parseUnixTime(opts.time) : String(nowSecs());
    const body = opts['body-file'] !== undefined ? readBytes(opts['body-file'], 'body file') : new Uint8Array(0);
    const signed = authSignedBytes(method, wire, time, body);
    const sig = hex(ed25519.sign(signed, keys.signingSecret));
    await printLine({ signed: Buffer.from(signed).toString('latin1'), sig, authorization: `Sealpost installation=${keys.installation}, time=${time}, sig=${sig}` });
  },

  async 'api-info'(argv) {
    const { opts, positional } = parseArgs(argv, { server: 'one' });
    noPositional(positional);
    // §4: the well-known document sits at the root of the server's origin.
    const res = await send({ server: serverBase(need(opts, 'server')).origin, path: '/.well-known/sealpost', headers: { accept: 'application/json' } });
    const info = await expectJson(res, [200]);
    if (!isObject(info)) fail('unexpected-response', 'server info is not a JSON object');
    for (const f of ['domain', 'serverKey', 'api', 'federation']) {
      if (typeof info[f] !== 'string') fail('unexpected-response', `server info field ${f} is missing or not a string`);
    }
    if (!/^[0-9a-f]{64}$/.test(info.serverKey)) fail('unexpected-response', `serverKey is not 64 lowercase hex digits: ${JSON.stringify(info.serverKey)}`);
    for (const f of ['api', 'federation']) {
      try { new URL(info[f]); } catch { fail('unexpected-response', `server info ${f} is not an absolute URL: ${JSON.stringify(info[f])}`); }
    }
    printJson(info);
  },

  async 'api-link'(argv) {
    const { opts, positional } = parseArgs(argv, { server: 'one', dir: 'one', bundle: 'one' });
    noPositional(positional);
    if ((opts.dir === undefined) === (opts.bundle === undefined)) fail('usage', 'give exactly one of --dir D (posts D/bundle.json) or --bundle FILE');
    const file = opts.bundle ?? join(opts.dir, 'bundle.json');
    const body = readBytes(file, 'bundle');
    const res = await send({ server: need(opts, 'server'), method: 'POST', path: '/v1/bundles', headers: { 'content-type': 'application/json', accept: 'application/json' }, body });
    const j = await expectJson(res, [200, 201], { allowEmpty: true });
    await writeStdout(`${res.status}${j === undefined ? '' : ` ${JSON.stringify(j)}`}\n`);
  },

  async 'api-bundles'(argv) {
    const { opts, positional } = parseArgs(argv, { server: 'one', account: 'one', now: 'one' });
    noPositional(positional);
    const x = need(opts, 'account');
    const now = opts.now !== undefined ? timeArg(opts.now, '--now') : nowSecs();
    // '@' is a legal path character (RFC 3986 pchar) and is sent as is; anything else is percent-encoded.
    const path = `/v1/accounts/${encodeURIComponent(x).replace(/%40/g, '@')}/bundles`;
    const res = await send({ server: need(opts, 'server'), path, headers: { accept: 'application/json' } });
    const j = await expectJson(res, [200]);
    if (!isObject(j) || !Array.isArray(j.bundles) || !Array.isArray(j.revocations)) {
      fail('unexpected-response', 'answer is not {"bundles": [...], "revocations": [...]}');
    }
    let wanted;
    try { wanted = canonicalAccount(x.split('@')[0]); } catch { wanted = undefined; }
    const revocations = j.revocations.map((r, i) => {
      let v;
      try { v = validateRevocation(r); } catch (e) {
        if (e instanceof CliError) fail('invalid-revocation-served', `revocations[${i}]: ${e.message}`);
        throw e;
      }
      if (wanted !== undefined && v.account !== wanted) fail('invalid-revocation-served', `revocations[${i}] is for ${v.account}, asked for ${wanted}`);
      return v;
    });
    j.bundles.forEach((b, i) => {
      let v;
      try { v = validateBundle(b, now); } catch (e) {
        if (e instanceof CliError) fail('invalid-bundle-served', `bundles[${i}] (installation ${JSON.stringify(b && b.installation)}): ${e.message}`);
        throw e;
      }
      if (wanted !== undefined && v.account !== wanted) fail('invalid-bundle-served', `bundles[${i}] is for ${v.account}, asked for ${wanted}`);
      const r = revocations.find((r) => r.account === v.account && r.installation === v.installation && r.revokedAt <= now);
      if (r) fail('invalid-bundle-served', `bundles[${i}] (installation ${v.installation}): revoked at ${formatTime(r.revokedAt)}`);
    });
    printJson(j);
  },

  async 'api-publish'(argv) {
    const { opts, positional } = parseArgs(argv, { server: 'one', dir: 'one', in: 'one', home: 'one' });
    noPositional(positional);
    const keys = loadKeysFromOpts(opts);
    const body = readBytes(need(opts, 'in'), 'envelope');
    const path = '/v1/envelopes' + (opts.home !== undefined ? `?home=${encodeURIComponent(opts.home)}` : '');
    const res = await send({ server: need(opts, 'server'), method: 'POST', path, headers: { 'content-type': 'application/x-protobuf', accept: 'application/json' }, body, keys });
    const j = await expectJson(res, [202]);
    if (!isObject(j) || typeof j.id !== 'string' || !['stored', 'queued'].includes(j.status)) {
      fail('unexpected-response', `answer is not {"id": hex, "status": "stored"|"queued"}: ${JSON.stringify(j)}`);
    }
    let sentId;
    try { const env = decodeEnvelope(body); if (env.id.length) sentId = hex(env.id); } catch { sentId = undefined; }
    if (sentId !== undefined && j.id !== sentId) fail('unexpected-response', `answer id ${j.id} is not the envelope's id ${sentId}`);
    printJson(j);
  },

  async 'api-inbox'(argv) {
    const { opts, positional } = parseArgs(argv, { server: 'one', dir: 'one', after: 'one', limit: 'one' });
    noPositional(positional);
    const keys = loadKeysFromOpts(opts);
    const res = await send({ server: need(opts, 'server'), path: '/v1/inbox' + inboxQuery(opts), headers: { accept: 'application/json' }, keys });
    const page = await expectJson(res, [200]);
    checkInboxPage(page, keys.account);
    printJson(page);
  },

  async 'api-fetch-open'(argv) {
    const { opts, positional } = parseArgs(argv, { server: 'one', dir: 'one', 'sender-bundle': 'one', 'gateway-key': 'one', after: 'one', limit: 'one', now: 'one' });
    noPositional(positional);
    const keys = loadKeysFromOpts(opts);
    if (opts['sender-bundle'] === undefined && opts['gateway-key'] === undefined) fail('usage', 'missing --sender-bundle');
    const senderBundleJson = opts['sender-bundle'] !== undefined ? readJsonFile(opts['sender-bundle'], 'sender bundle') : undefined;
    const now = opts.now !== undefined ? timeArg(opts.now, '--now') : nowSecs();
    const res = await send({ server: need(opts, 'server'), path: '/v1/inbox' + inboxQuery(opts), headers: { accept: 'application/json' }, keys });
    const page = await expectJson(res, [200]);
    checkInboxPage(page, keys.account);
    for (const [i, item] of page.envelopes.entries()) {
      const bytes = inboxEnvelopeBytes(item, `envelopes[${i}]`);
      let id = null;
      try { const env = decodeEnvelope(bytes); if (env.id.length) id = hex(env.id); } catch { id = null; }
      try {
        const { mime } = await openEnvelope(keys, bytes, { senderBundleJson, gatewayKey: opts['gateway-key'], now });
        await printLine({ cursor: item.cursor, id, mimeBase64: Buffer.from(mime).toString('base64') });
      } catch (e) {
        if (!(e instanceof CliError)) throw e;
        await printLine({ cursor: item.cursor, id, error: oneLine(e.message) });
      }
    }
    await printLine({ next: page.next });
  },

  async 'api-stream'(argv) {
    const { opts, positional } = parseArgs(argv, { server: 'one', dir: 'one', after: 'one', 'last-event-id': 'one', count: 'one', 'timeout-ms': 'one' });
    noPositional(positional);
    const keys = loadKeysFromOpts(opts);
    const count = need(opts, 'count');
    if (!/^\d+$/.test(count)) fail('usage', '--count must be a non-negative integer');
    const n = Number(count);
    const timeoutMs = opts['timeout-ms'] !== undefined ? opts['timeout-ms'] : '10000';
    if (!/^\d+$/.test(timeoutMs) || Number(timeoutMs) < 1) fail('usage', '--timeout-ms must be a positive integer');
    const path = '/v1/inbox/stream' + (opts.after !== undefined ? `?after=${encodeURIComponent(opts.after)}` : '');

    const ac = new AbortController();
    let timedOut = false;
    let received = 0;
    const timer = setTimeout(() => { timedOut = true; ac.abort(); }, Number(timeoutMs));
    try {
      const res = await send({
        server: need(opts, 'server'), path, keys, signal: ac.signal,
        headers: { accept: 'text/event-stream', 'cache-control': 'no-cache', 'last-event-id': opts['last-event-id'] },
      });
      if (res.status !== 200) {
        const text = await readText(res);
        if (res.status >= 400) httpFail(res.status, text);
        failWith(3, `http ${res.status} unexpected-status`, `expected 200; body ${oneLine(text).slice(0, 500) || '(empty)'}`);
      }
      const ct = res.headers.get('content-type') || '';
      if (!/^text\/event-stream\s*(;|$)/i.test(ct)) fail('unexpected-response', `stream content-type is ${JSON.stringify(ct)}, not text/event-stream`);
      process.stderr.write('ready\n');
      if (received >= n) return;
      const events = [];
      const parser = new SseParser((ev) => events.push(ev));
      for await (const chunk of res.body) {
        parser.push(chunk);
        while (events.length && received < n) {
          const ev = events.shift();
          let o;
          try { o = JSON.parse(ev.data); } catch { fail('unexpected-response', `event data is not JSON: ${oneLine(ev.data).slice(0, 200)}`); }
          const env = decodeServedEnvelope(inboxEnvelopeBytes(o, 'event data'), 'event envelope');
          if (env.recipient !== keys.account) fail('foreign-envelope-served', `event envelope is for ${JSON.stringify(env.recipient)}, not ${keys.account}`);
          await printLine({ id: ev.id, cursor: o.cursor, envelopeId: hex(env.id) });
          received++;
        }
        if (received >= n) return;
      }
      fail('stream-closed', `the server ended the stream after ${received} of ${n} events`);
    } catch (e) {
      if (timedOut) failWith(4, 'timeout', `${received} of ${n} events after ${timeoutMs} ms`);
      throw e;
    } finally {
      clearTimeout(timer);
      ac.abort();
    }
  },

  async 'api-revoke'(argv) {
    const { opts, positional } = parseArgs(argv, { server: 'one', 'wallet-key': 'one', dir: 'one', 'revoked-at': 'one' });
    noPositional(positional);
    const wallet = new Wallet(parseKeyArg(need(opts, 'wallet-key'), '--wallet-key'));
    const keys = loadKeysFromOpts(opts);
    const revocation = await buildRevocation(wallet, keys.account, keys.installation, opts['revoked-at']);
    const res = await send({
      server: need(opts, 'server'), method: 'POST', path: '/v1/revocations',
      headers: { 'content-type': 'application/json', accept: 'application/json' }, body: utf8.encode(JSON.stringify(revocation)),
    });
    const j = await expectJson(res, [200], { allowEmpty: true });
    if (j !== undefined) printJson(j);
  },

  async 'api-consent'(argv) {
    const { opts, positional } = parseArgs(argv, { server: 'one', dir: 'one', kind: 'one', subject: 'one', state: 'one', 'decided-at': 'one' });
    noPositional(positional);
    const keys = loadKeysFromOpts(opts);
    const kind = need(opts, 'kind');
    if (kind !== 'sender' && kind !== 'domain') fail('usage', '--kind must be sender or domain');
    const state = need(opts, 'state');
    if (state !== 'allow' && state !== 'deny') fail('usage', '--state must be allow or deny');
    const decidedAt = formatTime(opts['decided-at'] !== undefined ? timeArg(opts['decided-at'], '--decided-at') : nowSecs());
    const body = utf8.encode(JSON.stringify({ kind, subject: need(opts, 'subject'), state, decidedAt }));
    const res = await send({
      server: need(opts, 'server'), method: 'PUT', path: '/v1/consent',
      headers: { 'content-type': 'application/json', accept: 'application/json' }, body, keys,
    });
    const j = await expectJson(res, [200, 201, 204], { allowEmpty: true });
    if (j !== undefined) printJson(j);
  },

  async 'api-request'(argv) {
    const { opts, positional } = parseArgs(argv, {
      server: 'one', dir: 'one', method: 'one', path: 'one', 'body-file': 'one', 'content-type': 'one', time: 'one',
      'tamper-signature': 'flag', 'sign-path': 'one', authorization: 'one', header: 'many', 'timeout-ms': 'one',
    });
    noPositional(positional);
    const keys = opts.dir !== undefined ? loadKeys(opts.dir) : undefined;
    if (!keys && (opts.time !== undefined || opts['tamper-signature'] || opts['sign-path'] !== undefined)) {
      fail('usage', '--time, --sign-path and --tamper-signature need --dir (an installation to sign with)');
    }
    if (keys && opts.authorization !== undefined) fail('usage', 'give --dir (sign) or --authorization (literal header), not both');
    const headers = {};
    for (const h of opts.header || []) {
      const m = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+):\s*(.*)$/.exec(h);
      if (!m) fail('usage', `--header must be "Name: value": ${JSON.stringify(h)}`);
      headers[m[1].toLowerCase()] = m[2];
    }
    if (opts['content-type'] !== undefined) headers['content-type'] = opts['content-type'];
    const body = opts['body-file'] !== undefined ? readBytes(opts['body-file'], 'body file') : undefined;
    const timeoutMs = opts['timeout-ms'] !== undefined ? opts['timeout-ms'] : '10000';
    if (!/^\d+$/.test(timeoutMs) || Number(timeoutMs) < 1) fail('usage', '--timeout-ms must be a positive integer');
    const ac = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => { timedOut = true; ac.abort(); }, Number(timeoutMs));
    try {
      const method = wireMethod(need(opts, 'method'));
      if (body !== undefined && (method === 'GET' || method === 'HEAD')) fail('usage', 'fetch cannot send a body with GET or HEAD');
      const res = await send({
        server: need(opts, 'server'), method, path: need(opts, 'path'), headers, body, keys,
        time: opts.time !== undefined ? parseUnixTime(opts.time) : undefined,
        tamper: !!opts['tamper-signature'], signPath: opts['sign-path'], authHeader: opts.authorization, signal: ac.signal,
      });
      const text = await readText(res);
      await writeStdout(`${res.status} ${text}\n`);
    } catch (e) {
      if (timedOut) failWith(4, 'timeout', `no complete answer after ${timeoutMs} ms`);
      throw e;
    } finally {
      clearTimeout(timer);
    }
  },
};

async function main() {
  const [cmd, ...rest] = process.argv.slice(2);
  if (!cmd || !(cmd in commands)) {
    fail('usage', `sealpost.mjs <${Object.keys(commands).join('|')}> [options] (see README.md)`);
  }
  await commands[cmd](rest);
}

main().then(
  () => { process.exitCode = 0; },
  (e) => {
    process.stderr.write(oneLine(e instanceof CliError ? e.message : `error: ${e && e.message ? e.message : e}`) + '\n');
    process.exitCode = e instanceof CliError ? e.exitCode : 1;
  },
);
