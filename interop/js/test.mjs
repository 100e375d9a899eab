// Self-check of sealpost.mjs through its command line (node:test).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync, spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync, cpSync, rmSync, mkdirSync } from 'node:fs';
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

// ---------------------------------------------------------------------------
// §7 client API. No Sealpost server is needed: a fixed vector, and a small
// in-process fake (node:http) that checks the installation auth over the raw
// request-target it received, so "what is signed is what is sent" is tested.

// Ed25519 seed 32 x 0x01, X25519 secret 32 x 0x02; computed independently with
// Python `cryptography` and OpenSSL (see README.md).
const VECTOR_KEYS = {
  account: '0x0000000000000000000000000000000000000001', home: 'localhost', installation: '65cfd6e6e6236071241cbfdf7dfeb092',
  signingPrivateKey: '01'.repeat(32), signingPublicKey: '8a88e3dd7409f195fd52db2d3cba5d72ca6709bf1d94121bf3748801b40f6f5c',
  encryptionPrivateKey: '02'.repeat(32), encryptionPublicKey: 'ce8d3ad1ccb633ec7b70c17814a5c76ecd029685050d344745ba05870e587d59',
};

test('auth-header matches the fixed §7 vectors', () => {
  mkdirSync(path('vec'));
  writeFileSync(path('vec/keys.json'), JSON.stringify(VECTOR_KEYS));
  const r = JSON.parse(ok('auth-header', '--dir', path('vec'), '--method', 'GET', '--path', '/v1/inbox?limit=10', '--time', '1795600800').out);
  assert.equal(r.signed, 'sealpost-v1-auth\nGET\n/v1/inbox?limit=10\n1795600800\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  assert.equal(r.sig, 'f54fa3030d6de01e7fb2abd3f5df231fe50f15fe1a19478a2813f665a4a5b60e5d348370497ca544307a35297de944eeb2a33e5f2f35d8aa5ebcfac0360bc706');
  assert.equal(r.authorization, `Sealpost installation=65cfd6e6e6236071241cbfdf7dfeb092, time=1795600800, sig=${r.sig}`);
  writeFileSync(path('consent-body.json'), '{"kind":"sender","subject":"x","state":"deny","decidedAt":"2026-11-24T10:00:00Z"}');
  const p = JSON.parse(ok('auth-header', '--dir', path('vec'), '--method', 'put', '--path', '/v1/consent', '--time', '1795600800', '--body-file', path('consent-body.json')).out);
  assert.equal(p.signed, 'sealpost-v1-auth\nPUT\n/v1/consent\n1795600800\nd193e637dad5d81882df68d3debfc3c9f20c2dad56b1f099d4ec6f098741ea35');
  assert.equal(p.sig, 'e5811b6d6213c1c2bcc6c39dde3ca6e56bc4619ca4322dcd2caaf4681a6cd4525407bdfe5a95e088d67e299ae02bf9f01a5c5362e2877604cd6d41479ce90907');
  // a path that URL parsing would rewrite is refused rather than signed differently from what is sent
  failsWith('usage', 'auth-header', '--dir', path('vec'), '--method', 'GET', '--path', '/v1/x/../inbox');
  failsWith('usage', 'auth-header', '--dir', path('vec'), '--method', 'GET', '--path', '/v1/inbox?after=a b');
});

function runAsync(args, { onStderr } = {}) {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [CLI, ...args]);
    const out = [], err = [];
    p.stdout.on('data', (d) => out.push(d));
    p.stderr.on('data', (d) => { err.push(d); if (onStderr) onStderr(Buffer.concat(err).toString('utf8')); });
    p.on('close', (code) => resolve({ code, out: Buffer.concat(out).toString('utf8'), err: Buffer.concat(err).toString('utf8') }));
  });
}
async function okAsync(...args) {
  const r = await runAsync(args);
  assert.equal(r.code, 0, `expected success of ${args.join(' ')}: ${r.err}`);
  return r;
}
const sha256hex = (b) => createHash('sha256').update(b).digest('hex');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** A fake home server: enough of §4/§7 to exercise the client, strict about auth. */
function fakeServer() {
  const st = { bundles: [], revocations: [], inbox: [], requests: [], streams: [], consent: [] };
  const sse = (item) => `id: ${item.cursor}\r\ndata: ${JSON.stringify({ cursor: item.cursor, envelope: item.envelope })}\r\n\r\n`;
  const server = createServer(async (req, res) => {
    const chunks = [];
    for await (const c of req) chunks.push(c);
    const body = Buffer.concat(chunks);
    st.requests.push({ method: req.method, target: req.url, headers: req.headers, body });
    const json = (status, o) => { res.writeHead(status, { 'content-type': 'application/json' }); res.end(JSON.stringify(o)); };
    const err = (status, error, message) => json(status, { error, message });
    const auth = () => {
      const m = /^Sealpost installation=([0-9a-f]{32}), time=(-?\d+), sig=([0-9a-f]{128})$/.exec(req.headers.authorization || '');
      if (!m) return err(401, 'unauthorized', 'no installation auth'), null;
      const b = st.bundles.find((x) => x.installation === m[1]);
      if (!b) return err(401, 'unknown-installation', `installation ${m[1]} is not linked here`), null;
      if (Math.abs(Number(m[2]) - Date.now() / 1000) > 300) return err(401, 'clock-skew', 'time is more than 5 minutes off'), null;
      const signed = Buffer.concat([Buffer.from(`sealpost-v1-auth\n${req.method}\n${req.url}\n${m[2]}\n`), Buffer.from(sha256hex(body))]);
      if (!ed25519.verify(Buffer.from(m[3], 'hex'), signed, Buffer.from(b.signingKey, 'hex'))) return err(401, 'bad-signature', 'signature does not verify'), null;
      return b;
    };
    const u = new URL(req.url, 'http://fake');
    const p = u.pathname;
    if (req.method === 'GET' && p === '/.well-known/sealpost') {
      return json(200, { domain: 'fake.example', serverKey: 'ab'.repeat(32), api: 'http://fake.example/', federation: 'http://fake.example/federation' });
    }
    if (req.method === 'POST' && p === '/v1/bundles') {
      const b = JSON.parse(body);
      if (st.bundles.some((x) => x.installation === b.installation)) return json(200, { installation: b.installation, status: 'known' });
      st.bundles.push(b);
      return json(201, { installation: b.installation, status: 'linked' });
    }
    if (req.method === 'POST' && p === '/v1/revocations') { st.revocations.push(JSON.parse(body)); return json(200, { status: 'revoked' }); }
    let m;
    if (req.method === 'GET' && (m = /^\/v1\/accounts\/([^/]+)\/bundles$/.exec(p))) {
      const acct = decodeURIComponent(m[1]).split('@')[0].toLowerCase();
      return json(200, { bundles: st.bundles.filter((b) => b.account === acct), revocations: st.revocations.filter((r) => r.account === acct) });
    }
    if (req.method === 'POST' && p === '/v1/envelopes') {
      if (!auth()) return;
      if (req.headers['content-type'] !== 'application/x-protobuf') return err(415, 'unsupported-media-type', 'send application/x-protobuf');
      const item = { cursor: `c${st.inbox.length + 1}`, envelope: body.toString('base64') };
      st.inbox.push(item);
      for (const s of st.streams) { const t = sse(item); s.write(t.slice(0, 7)); setTimeout(() => s.write(t.slice(7)), 20); }
      return json(202, { id: body.subarray(4, 20).toString('hex'), status: 'stored' });
    }
    if (req.method === 'GET' && p === '/v1/inbox') {
      if (!auth()) return;
      const after = u.searchParams.get('after');
      const from = after ? st.inbox.findIndex((i) => i.cursor === after) + 1 : 0;
      const page = st.inbox.slice(from, from + Number(u.searchParams.get('limit') || 100));
      return json(200, { envelopes: page, next: page.length ? page[page.length - 1].cursor : (after || '') });
    }
    if (req.method === 'GET' && p === '/v1/inbox/stream') {
      if (!auth()) return;
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      res.flushHeaders();
      const after = req.headers['last-event-id'] || u.searchParams.get('after');
      const from = after ? st.inbox.findIndex((i) => i.cursor === after) + 1 : 0;
      // a comment, then each backlog event split inside its CRLF (CR in one chunk, LF in the next)
      res.write(': keep-alive\r\n\r\n');
      for (const item of st.inbox.slice(from)) {
        const t = sse(item);
        res.write(t.slice(0, -1)); await sleep(10); res.write(t.slice(-1));
      }
      st.streams.push(res);
      req.on('close', () => { st.streams = st.streams.filter((s) => s !== res); });
      return;
    }
    if (req.method === 'PUT' && p === '/v1/consent') {
      if (!auth()) return;
      const c = JSON.parse(body);
      st.consent.push(c);
      return json(200, c);
    }
    err(404, 'not-found', `no route ${req.method} ${p}`);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => {
    resolve({ st, url: `http://127.0.0.1:${server.address().port}`, close: () => { for (const s of st.streams) s.destroy(); server.close(); } });
  }));
}

test('client API commands against a fake server', async (t) => {
  const f = await fakeServer();
  t.after(() => f.close());
  const S = ['--server', f.url];

  const info = JSON.parse((await okAsync('api-info', ...S)).out);
  assert.equal(info.domain, 'fake.example');

  // link b1 and a: 201 then 200
  assert.match((await okAsync('api-link', ...S, '--dir', path('b1'))).out, /^201 \{.*\}\n$/);
  assert.match((await okAsync('api-link', ...S, '--dir', path('b1'))).out, /^200 /);
  await okAsync('api-link', ...S, '--dir', path('a'));

  // bundles by account and by mail address ('@' sent as is)
  const bobAcct = bob.address.toLowerCase();
  const served = JSON.parse((await okAsync('api-bundles', ...S, '--account', bob.address)).out);
  assert.equal(served.bundles.length, 1);
  await okAsync('api-bundles', ...S, '--account', `${bobAcct}@bob.example`);
  assert.equal(f.st.requests.at(-1).target, `/v1/accounts/${bobAcct}@bob.example/bundles`);

  // publish two envelopes for bob: one sealed by a, one signed by a key that is not a's
  ok('seal', '--dir', path('a'), '--to', path('b1/bundle.json'), '--in', path('msg.eml'), '--out', path('p1.bin'));
  cpSync(path('a'), path('a-forged2'), { recursive: true });
  writeJson('a-forged2/keys.json', { ...readJson(path('a/keys.json')), signingPrivateKey: Buffer.from(ed25519.utils.randomSecretKey()).toString('hex') });
  ok('seal', '--dir', path('a-forged2'), '--to', path('b1/bundle.json'), '--in', path('msg.eml'), '--out', path('p2.bin'));
  const pub = JSON.parse((await okAsync('api-publish', ...S, '--dir', path('a'), '--in', path('p1.bin'), '--home', 'bob.example')).out);
  assert.deepEqual(pub, { id: readFileSync(path('p1.bin')).subarray(4, 20).toString('hex'), status: 'stored' });
  assert.equal(f.st.requests.at(-1).target, '/v1/envelopes?home=bob.example');
  await okAsync('api-publish', ...S, '--dir', path('a'), '--in', path('p2.bin'));

  // inbox and fetch-open
  const page = JSON.parse((await okAsync('api-inbox', ...S, '--dir', path('b1'), '--limit', '10')).out);
  assert.deepEqual(page.envelopes.map((e) => e.cursor), ['c1', 'c2']);
  assert.equal(f.st.requests.at(-1).target, '/v1/inbox?limit=10');
  const lines = (await okAsync('api-fetch-open', ...S, '--dir', path('b1'), '--sender-bundle', path('a/bundle.json'))).out.trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(lines.length, 3);
  assert.equal(lines[0].cursor, 'c1');
  assert.equal(lines[0].id, pub.id);
  assert.ok(Buffer.from(lines[0].mimeBase64, 'base64').equals(MIME));
  assert.match(lines[1].error, /^bad-signature: /);
  assert.deepEqual(lines[2], { next: 'c2' });
  const after = (await okAsync('api-fetch-open', ...S, '--dir', path('b1'), '--sender-bundle', path('a/bundle.json'), '--after', 'c1')).out.trim().split('\n');
  assert.equal(after.length, 2);

  // stream: backlog after c1, then a live event; ids and cursors; 'ready' on stderr first
  let sawReady;
  const readyP = new Promise((r) => { sawReady = r; });
  const streamP = runAsync(['api-stream', ...S, '--dir', path('b1'), '--after', 'c1', '--count', '2'], { onStderr: (e) => { if (e.includes('ready\n')) sawReady(); } });
  await readyP;
  await okAsync('api-publish', ...S, '--dir', path('a'), '--in', path('p1.bin'));
  const sr = await streamP;
  assert.equal(sr.code, 0, sr.err);
  assert.equal(sr.err, 'ready\n');
  const evs = sr.out.trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(evs.map((e) => [e.id, e.cursor]), [['c2', 'c2'], ['c3', 'c3']]);
  assert.equal(evs[1].envelopeId, pub.id);
  // Last-Event-ID is sent as a header
  const le = await runAsync(['api-stream', ...S, '--dir', path('b1'), '--last-event-id', 'c2', '--count', '1']);
  assert.equal(le.code, 0, le.err);
  assert.equal(JSON.parse(le.out).cursor, 'c3');
  assert.equal(f.st.requests.at(-1).headers['last-event-id'], 'c2');
  // timeout: exit 4, events received so far are printed
  const to = await runAsync(['api-stream', ...S, '--dir', path('b1'), '--count', '5', '--timeout-ms', '1500']);
  assert.equal(to.code, 4);
  assert.equal(to.out.trim().split('\n').length, 3);
  assert.match(to.err, /^ready\ntimeout: 3 of 5 events/);

  // an envelope for another account in the inbox is caught
  ok('seal', '--dir', path('b1'), '--to', path('a/bundle.json'), '--in', path('msg.eml'), '--out', path('p3.bin'));
  await okAsync('api-publish', ...S, '--dir', path('a'), '--in', path('p3.bin'));
  const foreign = await runAsync(['api-inbox', ...S, '--dir', path('b1')]);
  assert.equal(foreign.code, 1);
  assert.match(foreign.err, /^foreign-envelope-served: envelopes\[3\]/);

  // HTTP errors: exit 3, one line
  const unlinked = await runAsync(['api-inbox', ...S, '--dir', path('b2')]);
  assert.equal(unlinked.code, 3);
  assert.match(unlinked.err, /^http 401 unknown-installation: installation [0-9a-f]{32} is not linked here\n$/);

  // raw requests: exit 0 whatever the status; signature over the exact request-target
  const raw = await okAsync('api-request', ...S, '--dir', path('b1'), '--method', 'GET', '--path', '/v1/inbox?after=c%32&limit=1');
  assert.match(raw.out, /^200 \{"envelopes":\[\{"cursor":"c3"/);
  assert.equal(f.st.requests.at(-1).target, '/v1/inbox?after=c%32&limit=1');
  assert.match((await okAsync('api-request', ...S, '--dir', path('b1'), '--method', 'GET', '--path', '/v1/inbox', '--tamper-signature')).out, /^401 \{"error":"bad-signature"/);
  assert.match((await okAsync('api-request', ...S, '--dir', path('b1'), '--method', 'GET', '--path', '/v1/inbox', '--time', String(Math.floor(Date.now() / 1000) - 600))).out, /^401 \{"error":"clock-skew"/);
  assert.match((await okAsync('api-request', ...S, '--dir', path('b1'), '--method', 'GET', '--path', '/v1/inbox', '--sign-path', '/v1/inbox?limit=1')).out, /^401 \{"error":"bad-signature"/);
  assert.match((await okAsync('api-request', ...S, '--method', 'GET', '--path', '/v1/inbox')).out, /^401 \{"error":"unauthorized"/);
  assert.match((await okAsync('api-request', ...S, '--dir', path('a'), '--method', 'POST', '--path', '/v1/envelopes', '--body-file', path('p1.bin'), '--content-type', 'application/octet-stream')).out, /^415 /);
  assert.match((await okAsync('api-request', ...S, '--method', 'GET', '--path', '/nope')).out, /^404 \{"error":"not-found"/);

  // consent
  const c = JSON.parse((await okAsync('api-consent', ...S, '--dir', path('b1'), '--kind', 'sender', '--subject', alice.address, '--state', 'deny')).out);
  assert.deepEqual(Object.keys(c), ['kind', 'subject', 'state', 'decidedAt']);
  assert.match(c.decidedAt, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
  assert.equal(f.st.requests.at(-1).method, 'PUT');

  // a served bundle that does not verify, and a served bundle that is revoked, are caught
  const bad = { ...readJson(path('b2/bundle.json')), home: 'evil.example' };
  assert.match((await okAsync('api-link', ...S, '--bundle', writeJson('bad-served.json', bad))).out, /^201 /);
  const inv = await runAsync(['api-bundles', ...S, '--account', bob.address]);
  assert.equal(inv.code, 1);
  assert.match(inv.err, /^invalid-bundle-served: bundles\[1\] .*wrong-account/);
  f.st.bundles.pop();
  assert.equal(JSON.parse((await okAsync('api-revoke', ...S, '--wallet-key', bob.privateKey, '--dir', path('b1'))).out).status, 'revoked');
  assert.deepEqual(Object.keys(f.st.revocations[0]), ['account', 'installation', 'revokedAt', 'walletSignature']);
  const rev = await runAsync(['api-bundles', ...S, '--account', bob.address]);
  assert.equal(rev.code, 1);
  assert.match(rev.err, /^invalid-bundle-served: bundles\[0\] .*revoked at/);
});

test('client API: connection and usage errors are one line, exit 1', async () => {
  const r = await runAsync(['api-info', '--server', 'http://127.0.0.1:9']);
  assert.equal(r.code, 1);
  assert.match(r.err, /^connect: GET http:\/\/127\.0\.0\.1:9\/\.well-known\/sealpost: /);
  assert.equal(r.err.trimEnd().split('\n').length, 1);
  failsWith('usage', 'api-request', '--server', 'http://127.0.0.1:9', '--method', 'GET', '--path', '/v1/inbox', '--tamper-signature');
  failsWith('usage', 'api-stream', '--server', 'http://127.0.0.1:9', '--dir', path('b1'), '--count', 'x');
  failsWith('usage', 'api-info', '--server', 'ftp://x');
});
