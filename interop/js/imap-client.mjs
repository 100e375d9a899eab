#!/usr/bin/env node
// A mail client's view of an IMAP server, through imapflow (npm): what the Java tests drive to
// check the Sealpost IMAP bridge with a widely used JavaScript IMAP client. Not part of the
// protocol implementation in sealpost.mjs. See README.md ("IMAP client").

import { createHash } from 'node:crypto';
import { ImapFlow } from 'imapflow';

/** One line on stderr and exit 1; the test shows it. */
const fail = (message) => {
  process.stderr.write(`${message}\n`);
  process.exit(1);
};

function parse(argv) {
  const [command, ...rest] = argv;
  const opts = {};
  for (let i = 0; i < rest.length; i += 2) {
    if (!rest[i].startsWith('--') || rest[i + 1] === undefined) fail(`usage: bad argument ${rest[i]}`);
    opts[rest[i].slice(2)] = rest[i + 1];
  }
  for (const name of ['port', 'user', 'password']) {
    if (opts[name] === undefined) fail(`usage: --${name} is required`);
  }
  return { command, opts };
}

const print = (value) => process.stdout.write(`${JSON.stringify(value)}\n`);

async function readAll(stream) {
  const chunks = [];
  for await (const chunk of stream) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** The leaf parts of a BODYSTRUCTURE, in order. */
function leaves(node) {
  return node.childNodes ? node.childNodes.flatMap(leaves) : [node];
}

/** What the test checks of one message: envelope, flags, our sender header and every part. */
async function describe(client, message) {
  const parts = [];
  for (const leaf of leaves(message.bodyStructure)) {
    const part = leaf.part || '1';
    const { content } = await client.download(String(message.uid), part, { uid: true });
    const bytes = await readAll(content);
    const filename = (leaf.dispositionParameters && leaf.dispositionParameters.filename)
      || (leaf.parameters && leaf.parameters.name) || null;
    parts.push({
      part,
      type: leaf.type,
      disposition: leaf.disposition || null,
      filename,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      text: leaf.type.startsWith('text/') ? bytes.toString('utf8') : null,
    });
  }
  const headers = message.headers ? message.headers.toString('utf8') : '';
  const sender = /^x-sealpost-sender:\s*(.*)$/im.exec(headers);
  return {
    uid: message.uid,
    subject: message.envelope.subject,
    from: message.envelope.from.map((a) => a.address),
    flags: [...message.flags],
    sealpostSender: sender ? sender[1].trim() : null,
    parts,
  };
}

const FETCH_QUERY = { uid: true, envelope: true, flags: true, bodyStructure: true, headers: ['x-sealpost-sender'] };

const commands = {
  /** Every folder with its SPECIAL-USE attribute and where imapflow got it from. */
  async folders(client) {
    for (const folder of await client.list()) {
      print({
        path: folder.path,
        specialUse: folder.specialUse || null,
        specialUseSource: folder.specialUseSource || null,
        flags: [...folder.flags],
      });
    }
  },

  /** Every message of --folder, described. */
  async fetch(client, opts) {
    const lock = await client.getMailboxLock(opts.folder || 'INBOX');
    try {
      const messages = [];
      for await (const message of client.fetch('1:*', FETCH_QUERY)) messages.push(message);
      for (const message of messages) print(await describe(client, message));
    } finally {
      lock.release();
    }
  },

  /** Adds --flag to message --uid of --folder and prints the flags the server then reports. */
  async flag(client, opts) {
    const lock = await client.getMailboxLock(opts.folder || 'INBOX');
    try {
      if (!(await client.messageFlagsAdd(opts.uid, [opts.flag], { uid: true }))) fail(`no message with UID ${opts.uid}`);
      const message = await client.fetchOne(opts.uid, { uid: true, flags: true }, { uid: true });
      print({ uid: message.uid, flags: [...message.flags] });
    } finally {
      lock.release();
    }
  },

  /**
   * Selects --folder and IDLEs; prints "idling" on stderr once the server has accepted IDLE, then
   * waits until a message with --subject is announced (EXISTS) and prints it. No time limit here:
   * the caller decides how long to wait.
   */
  async idle(client, opts, idling) {
    const lock = await client.getMailboxLock(opts.folder || 'INBOX');
    try {
      for (;;) {
        const announced = new Promise((resolve) => client.once('exists', resolve));
        idling.armed = true;
        const idle = client.idle(); // ends when the next command (the fetch below) breaks it
        const exists = await announced;
        for await (const message of client.fetch(`${exists.prevCount + 1}:*`, FETCH_QUERY)) {
          if (message.envelope.subject === opts.subject) {
            await idle;
            print({ event: 'exists', count: exists.count, prevCount: exists.prevCount, uid: message.uid, subject: message.envelope.subject });
            return;
          }
        }
        await idle;
      }
    } finally {
      lock.release();
    }
  },
};

async function main() {
  const { command, opts } = parse(process.argv.slice(2));
  if (!(command in commands)) fail(`usage: imap-client.mjs <${Object.keys(commands).join('|')}> --port N --user U --password P [...]`);
  const idling = { armed: false };
  const log = (level) => (entry) => {
    // imapflow logs this once the server answered IDLE with a continuation: pushes flow from now.
    if (idling.armed && entry && typeof entry.msg === 'string' && entry.msg.startsWith('Initiated IDLE')) {
      idling.armed = false;
      process.stderr.write('idling\n');
    }
    if (level === 'error' && process.env.IMAP_CLIENT_DEBUG) process.stderr.write(`${JSON.stringify(entry)}\n`);
  };
  const client = new ImapFlow({
    host: opts.host || '127.0.0.1',
    port: Number(opts.port),
    secure: false,
    doSTARTTLS: false, // the tests speak plain IMAP on loopback, as the bridge's other clients do
    auth: { user: opts.user, pass: opts.password },
    logger: { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') },
    maxIdleTime: false,
  });
  client.on('error', (e) => fail(`imap error: ${e.message}`));
  await client.connect();
  try {
    await commands[command](client, opts, idling);
  } finally {
    await client.logout();
  }
}

main().catch((e) => fail(`error: ${e.message}${e.responseText ? ` (${e.responseText})` : ''}`));
