// Self-check of sealpost.mjs through its command line (node:test).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, cpSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Wallet, getAddress } from 'ethers';
import { ed25519 } from '@noble/curves/ed25519.js';

const CLI = join(dirname(fileURLToPath(import.meta.url)), 'sealpost.mjs');
const T = mkdtempSync(join(tmpdir(), 'sealpost-js-'));
process.on('exit', () => rmSync(T, { recursive: true, force: true }));

function run(...args) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'buffer' });
  return { code: r.status, stdout: r.stdout, out: r.stdout.toString('utf8'), err: r.stderr.toString('utf8') };
}
function ok(...args) {
  const r = run(...args);
  assert.equal(r.code, 0, `expected success of ${args.join(' ')}: ${r.err}`);
  return r;
}
function failsWith(reason, ...args) {
  const r = run(...args);
  assert.equal(r.code, 1, `expected failure of ${args.join(' ')}`);
  assert.match(r.err, new RegExp(`^${reason}: `), `stderr: ${r.err}`);
  assert.equal(r.err.trimEnd().split('\n').length, 1, 'one line on stderr');
  assert.doesNotMatch(r.err, /\n\s+at /, 'no stack trace');
  return r;
}
const path = (name) => join(T, name);
const readJson = (p) => JSON.parse(readFileSync(p, 'utf8'));
const writeJson = (name, o) => { writeFileSync(path(name), JSON.stringify(o)); return path(name); };
const iso = (d) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');
const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

const alice = Wallet.createRandom();
const bob = Wallet.createRandom();
const mallory = Wallet.createRandom();
const MIME = Buffer.concat([
  Buffer.from('From: someone@example.org\r\nTo: bob\r\nSubject: =?UTF-8?B?w6k=?=\r\n\r\nhello \u00e9\r\n', 'utf8'),
  Buffer.from([0x00, 0xff, 0xfe, 0x80, 0x0d, 0x0a]),
]);
writeFileSync(path('msg.eml'), MIME);

// alice: one installation; bob: two installations (b1, b2) and a third (b3) not sealed to.
const A = ok('keygen', '--dir', path('a'), '--account', alice.address, '--home', 'Alice.Example', '--wallet-key', alice.privateKey);
ok('keygen', '--dir', path('b1'), '--account', bob.address.toLowerCase(), '--home', 'bob.example', '--wallet-key', bob.privateKey);
ok('keygen', '--dir', path('b2'), '--account', bob.address, '--home', 'bob.example', '--wallet-key', bob.privateKey);
ok('keygen', '--dir', path('b3'), '--account', bob.address, '--home', 'bob.example', '--wallet-key', bob.privateKey);

test('keygen writes the §2.2 bundle with exactly 8 fields', () => {
  const b = readJson(path('a/bundle.json'));
  assert.deepEqual(JSON.parse(A.out), b);
  assert.deepEqual(Object.keys(b), ['account', 'home', 'installation', 'signingKey', 'encryptionKey', 'issuedAt', 'expiresAt', 'walletSignature']);
  assert.equal(b.account, alice.address.toLowerCase());
  assert.equal(b.home, 'alice.example');
  assert.match(b.installation, /^[0-9a-f]{32}$/);
  assert.match(b.signingKey, /^[0-9a-f]{64}$/);
  assert.match(b.walletSignature, /^0x[0-9a-f]{130}$/);
  const issued = Date.parse(b.issuedAt), expires = Date.parse(b.expiresAt);
  assert.equal(expires - issued, 365 * 86400 * 1000);
  assert.ok(Math.abs(issued - Date.now()) < 60_000);
  const keys = readJson(path('a/keys.json'));
  assert.equal(Buffer.from(ed25519.getPublicKey(Buffer.from(keys.signingPrivateKey, 'hex'))).toString('hex'), b.signingKey);
});

test('sign-text reproduces the wallet signature over the literal §2.1 text', () => {
  const b = readJson(path('a/bundle.json'));
  const text = 'Sealpost wants you to link a new installation to your inbox.\n\n' +
    `Account: ${b.account}\nHome server: ${b.home}\nInstallation: ${b.installation}\n` +
    `Signing key: ${b.signingKey}\nEncryption key: ${b.encryptionKey}\n` +
    `Issued at: ${b.issuedAt}\nExpires at: ${b.expiresAt}`;
  writeFileSync(path('link.txt'), text);
  assert.equal(ok('sign-text', '--wallet-key', alice.privateKey, '--text-file', path('link.txt')).out.trim(), b.walletSignature);
});

test('verify-bundle accepts valid bundles and prints the canonical account', () => {
  assert.equal(ok('verify-bundle', path('a/bundle.json')).out, alice.address.toLowerCase() + '\n');
  assert.equal(ok('verify-bundle', path('b1/bundle.json')).out, bob.address.toLowerCase() + '\n');
  const b = readJson(path('a/bundle.json'));
  // v as 0/1
  const v = parseInt(b.walletSignature.slice(-2), 16);
  ok('verify-bundle', writeJson('v01.json', { ...b, walletSignature: b.walletSignature.slice(0, -2) + (v - 27).toString(16).padStart(2, '0') }));
  // high-s form of the same signature
  const s = BigInt('0x' + b.walletSignature.slice(66, 130));
  const hs = (N - s).toString(16).padStart(64, '0');
  ok('verify-bundle', writeJson('highs.json', { ...b, walletSignature: b.walletSignature.slice(0, 66) + hs + (v === 27 ? '1c' : '1b') }));
  // account written with a valid EIP-55 checksum or all upper case
  assert.equal(ok('verify-bundle', writeJson('cs.json', { ...b, account: getAddress(b.account) })).out.trim(), b.account);
  ok('verify-bundle', writeJson('uc.json', { ...b, account: '0x' + b.account.slice(2).toUpperCase() }));
});

test('verify-bundle time boundaries', () => {
  const b = readJson(path('b1/bundle.json'));
  const issued = Date.parse(b.issuedAt), expires = Date.parse(b.expiresAt);
  ok('verify-bundle', path('b1/bundle.json'), '--now', iso(new Date(issued - 300_000)));
  failsWith('not-yet-valid', 'verify-bundle', path('b1/bundle.json'), '--now', iso(new Date(issued - 301_000)));
  ok('verify-bundle', path('b1/bundle.json'), '--now', iso(new Date(expires - 1000)));
  failsWith('expired', 'verify-bundle', path('b1/bundle.json'), '--now', iso(new Date(expires)));
});

test('verify-bundle rejects each invalid reason', () => {
  const b = readJson(path('a/bundle.json'));
  // wrong-account: signed by a different wallet
  ok('keygen', '--dir', path('wrong'), '--account', alice.address, '--home', 'alice.example', '--wallet-key', mallory.privateKey);
  failsWith('wrong-account', 'verify-bundle', path('wrong/bundle.json'));
  // wrong-account: a field changed after signing
  failsWith('wrong-account', 'verify-bundle', writeJson('home.json', { ...b, home: 'evil.example' }));
  // expired / not-yet-valid
  ok('keygen', '--dir', path('old'), '--account', alice.address, '--home', 'alice.example', '--wallet-key', alice.privateKey,
    '--issued-at', '2020-01-01T00:00:00Z', '--expires-at', '2021-01-01T00:00:00Z');
  failsWith('expired', 'verify-bundle', path('old/bundle.json'));
  ok('verify-bundle', path('old/bundle.json'), '--now', '2020-06-01T00:00:00Z');
  ok('keygen', '--dir', path('future'), '--account', alice.address, '--home', 'alice.example', '--wallet-key', alice.privateKey,
    '--issued-at', iso(new Date(Date.now() + 86400_000)));
  failsWith('not-yet-valid', 'verify-bundle', path('future/bundle.json'));
  // expiresAt not after issuedAt
  ok('keygen', '--dir', path('inverted'), '--account', alice.address, '--home', 'alice.example', '--wallet-key', alice.privateKey,
    '--issued-at', iso(new Date(Date.now() + 120_000)), '--expires-at', iso(new Date(Date.now() + 60_000)));
  failsWith('expired', 'verify-bundle', path('inverted/bundle.json'));
  // id-mismatch: the wallet really signed a text with a wrong installation id
  const fake = { ...b, installation: '0123456789abcdef0123456789abcdef' };
  const text = ['Sealpost wants you to link a new installation to your inbox.', '',
    `Account: ${fake.account}`, `Home server: ${fake.home}`, `Installation: ${fake.installation}`,
    `Signing key: ${fake.signingKey}`, `Encryption key: ${fake.encryptionKey}`,
    `Issued at: ${fake.issuedAt}`, `Expires at: ${fake.expiresAt}`].join('\n');
  writeFileSync(path('idm.txt'), text);
  fake.walletSignature = ok('sign-text', '--wallet-key', alice.privateKey, '--text-file', path('idm.txt')).out.trim();
  failsWith('id-mismatch', 'verify-bundle', writeJson('idm.json', fake));
  // bad-signature
  failsWith('bad-signature', 'verify-bundle', writeJson('bs1.json', { ...b, walletSignature: b.walletSignature.slice(0, -2) + '05' }));
  failsWith('bad-signature', 'verify-bundle', writeJson('bs2.json', { ...b, walletSignature: '0x' + '00'.repeat(64) + '1b' }));
  failsWith('bad-signature', 'verify-bundle', writeJson('bs3.json', { ...b, walletSignature: b.walletSignature.slice(0, -4) }));
  failsWith('bad-signature', 'verify-bundle', writeJson('bs4.json', { ...b, walletSignature: '0x' + 'ff'.repeat(64) + '1b' }));
  // malformed
  const { home, ...noHome } = b;
  failsWith('malformed', 'verify-bundle', writeJson('m1.json', noHome));
  failsWith('malformed', 'verify-bundle', writeJson('m2.json', { ...b, issuedAt: '2026-11-24T10:00:00+00:00' }));
  failsWith('malformed', 'verify-bundle', writeJson('m3.json', { ...b, signingKey: b.signingKey.slice(2) }));
  const cs = getAddress(b.account);
  const swapped = cs.slice(0, 2) + [...cs.slice(2)].map((c) => (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase())).join('');
  if (/[a-f]/.test(swapped) && /[A-F]/.test(swapped)) failsWith('malformed', 'verify-bundle', writeJson('m4.json', { ...b, account: swapped }));
  writeFileSync(path('m5.json'), 'not json');
  failsWith('malformed', 'verify-bundle', path('m5.json'));
});

test('seal and open round trip, byte for byte, to every installation', () => {
  ok('seal', '--dir', path('a'), '--to', path('b1/bundle.json'), '--to', path('b2/bundle.json'),
    '--in', path('msg.eml'), '--out', path('env.bin'), '--created-ms', '1764000000000');
  const env = readFileSync(path('env.bin'));
  assert.deepEqual([...env.subarray(0, 4)], [0x08, 0x01, 0x12, 0x10]); // version=1, id: 16 bytes
  for (const d of ['b1', 'b2']) {
    const r = ok('open', '--dir', path(d), '--sender-bundle', path('a/bundle.json'), '--in', path('env.bin'));
    assert.ok(r.stdout.equals(MIME));
  }
  failsWith('no-wrap', 'open', '--dir', path('b3'), '--sender-bundle', path('a/bundle.json'), '--in', path('env.bin'));
  failsWith('not-for-this-account', 'open', '--dir', path('a'), '--sender-bundle', path('a/bundle.json'), '--in', path('env.bin'));
  failsWith('sender-mismatch', 'open', '--dir', path('b1'), '--sender-bundle', path('b2/bundle.json'), '--in', path('env.bin'));
  failsWith('sender-bundle-invalid: expired', 'open', '--dir', path('b1'), '--sender-bundle', path('old/bundle.json'), '--in', path('env.bin'));
  // unknown fields are skipped
  const withUnknown = Buffer.concat([env, Buffer.from([0x78, 0x05, 0xfa, 0x06, 0x03, 0x61, 0x62, 0x63])]); // field 15 varint, field 111 bytes
  writeFileSync(path('env-unknown.bin'), withUnknown);
  assert.ok(ok('open', '--dir', path('b1'), '--sender-bundle', path('a/bundle.json'), '--in', path('env-unknown.bin')).stdout.equals(MIME));
  // empty message, created_at 0 (omitted on the wire) and negative
  writeFileSync(path('empty.eml'), '');
  for (const ms of ['0', '-5']) {
    ok('seal', '--dir', path('a'), '--to', path('b1/bundle.json'), '--in', path('empty.eml'), '--out', path('env0.bin'), '--created-ms', ms);
    assert.equal(ok('open', '--dir', path('b1'), '--sender-bundle', path('a/bundle.json'), '--in', path('env0.bin')).stdout.length, 0);
  }
});

test('seal refuses mixed accounts and invalid bundles', () => {
  const r = run('seal', '--dir', path('a'), '--to', path('b1/bundle.json'), '--to', path('a/bundle.json'), '--in', path('msg.eml'), '--out', path('x.bin'));
  assert.equal(r.code, 1);
  assert.equal(r.err.trimEnd().split('\n').length, 1);
  const r2 = run('seal', '--dir', path('a'), '--to', path('old/bundle.json'), '--in', path('msg.eml'), '--out', path('x.bin'));
  assert.equal(r2.code, 1);
  assert.match(r2.err, /expired/);
});

test('tampered envelopes do not open', () => {
  const env = readFileSync(path('env.bin'));
  const open = (buf) => { writeFileSync(path('t.bin'), buf); return run('open', '--dir', path('b1'), '--sender-bundle', path('a/bundle.json'), '--in', path('t.bin')); };
  let failures = 0;
  const positions = [];
  for (let i = 0; i < 140; i += 3) positions.push(i); // header fields and the first wrap
  for (let k = 1; k <= 12; k++) positions.push(Math.floor((env.length - 1) * k / 12)); // spread over the rest
  for (const i of positions) {
    const t = Buffer.from(env); t[i] ^= 0x01;
    const r = open(t);
    if (r.code === 0) {
      // A flip may only be harmless where it turns into an ignorable unknown field tag.
      assert.ok(r.stdout.equals(MIME), `byte ${i} flipped changed the output`);
    } else {
      failures++;
      assert.match(r.err, /^(not-for-this-account|no-wrap|decryption-failed|malformed|sender-mismatch|bad-signature): /);
    }
  }
  assert.ok(failures > 0);
  const last = Buffer.from(env); last[last.length - 1] ^= 0x80;
  failsWith('decryption-failed', 'open', '--dir', path('b1'), '--sender-bundle', path('a/bundle.json'), '--in', (writeFileSync(path('t2.bin'), last), path('t2.bin')));
  // created_at is bound through the AES-GCM aad: change it (varint after tag 0x20)
  const idx = env.indexOf(0x20, 2 + 16 + 2 + 42);
  const t = Buffer.from(env); t[idx + 1] ^= 0x02;
  failsWith('decryption-failed', 'open', '--dir', path('b1'), '--sender-bundle', path('a/bundle.json'), '--in', (writeFileSync(path('t3.bin'), t), path('t3.bin')));
});

test('a signature by the wrong Ed25519 key is bad-signature', () => {
  cpSync(path('a'), path('a-forged'), { recursive: true });
  const k = readJson(path('a-forged/keys.json'));
  k.signingPrivateKey = Buffer.from(ed25519.utils.randomSecretKey()).toString('hex');
  writeFileSync(path('a-forged/keys.json'), JSON.stringify(k));
  ok('seal', '--dir', path('a-forged'), '--to', path('b1/bundle.json'), '--in', path('msg.eml'), '--out', path('forged.bin'));
  failsWith('bad-signature', 'open', '--dir', path('b1'), '--sender-bundle', path('a/bundle.json'), '--in', path('forged.bin'));
});

test('gateway mail round trip', () => {
  const pub = ok('gateway-keygen', '--out', path('gw.key')).out.trim();
  assert.match(pub, /^[0-9a-f]{64}$/);
  ok('gateway-seal', '--key', path('gw.key'), '--domain', 'bob.example', '--to', path('b1/bundle.json'), '--in', path('msg.eml'), '--out', path('gw.bin'));
  assert.ok(ok('open', '--dir', path('b1'), '--gateway-key', pub, '--in', path('gw.bin')).stdout.equals(MIME));
  const other = ok('gateway-keygen', '--out', path('gw2.key')).out.trim();
  failsWith('bad-signature', 'open', '--dir', path('b1'), '--gateway-key', other, '--in', path('gw.bin'));
  failsWith('sender-mismatch', 'open', '--dir', path('b1'), '--sender-bundle', path('a/bundle.json'), '--in', path('gw.bin'));
});

test('revoke signs the §2.3 text', () => {
  const b = readJson(path('a/bundle.json'));
  const r = JSON.parse(ok('revoke', '--wallet-key', alice.privateKey, '--account', alice.address, '--installation', b.installation, '--revoked-at', '2026-12-01T00:00:00Z').out);
  assert.deepEqual(Object.keys(r), ['account', 'installation', 'revokedAt', 'walletSignature']);
  writeFileSync(path('rev.txt'), `Sealpost wants you to revoke an installation of your inbox.\n\nAccount: ${b.account}\nInstallation: ${b.installation}\nRevoked at: 2026-12-01T00:00:00Z`);
  assert.equal(ok('sign-text', '--wallet-key', alice.privateKey, '--text-file', path('rev.txt')).out.trim(), r.walletSignature);
});

test('usage errors are one line, exit 1', () => {
  failsWith('usage', 'nope');
  failsWith('usage', 'keygen', '--dir', path('z'));
  failsWith('usage', 'keygen', '--dir', path('z'), '--account', '0x1234', '--home', 'x', '--wallet-key', alice.privateKey);
});
