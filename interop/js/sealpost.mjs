#!/usr/bin/env node
// Sealpost protocol v1: an independent JavaScript implementation written from
// PROTOCOL.md (sections 1, 2, 3 and 5) alone, used to cross-check the Java
// implementation. See README.md for the commands.

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
  constructor(reason, detail) {
    super(detail === undefined ? reason : `${reason}: ${detail}`);
    this.reason = reason;
  }
}
const fail = (reason, detail) => { throw new CliError(reason, detail); };
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
// Command line

function parseArgs(argv, spec) {
  // spec: { flagName: 'one' | 'many' | 'positional' }
  const opts = {}; const positional = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a.startsWith('--')) {
      const name = a.slice(2);
      if (!(name in spec)) fail('usage', `unknown option ${a}`);
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
    const revokedAt = formatTime(opts['revoked-at'] !== undefined ? timeArg(opts['revoked-at'], '--revoked-at') : nowSecs());
    const walletSignature = await wallet.signMessage(revokeText({ account, installation, revokedAt }));
    printJson({ account, installation, revokedAt, walletSignature });
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
    if (senderBundleJson !== undefined) {
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
      signerKey = new Uint8Array(Buffer.from(parseKeyArg(opts['gateway-key'], '--gateway-key'), 'hex'));
    }
    let ok = false;
    try { ok = sealed.signature.length === 64 && ed25519.verify(sealed.signature, toVerify, signerKey, { zip215: false }); } catch { ok = false; }
    if (!ok) fail('bad-signature', 'Ed25519 signature does not verify');
    await new Promise((resolve, reject) => process.stdout.write(Buffer.from(sealed.mime), (err) => (err ? reject(err) : resolve())));
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
    process.exitCode = 1;
  },
);
