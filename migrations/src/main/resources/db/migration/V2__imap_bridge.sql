-- Sealpost schema, version 2: the IMAP bridge's mailboxes (docs/adr/0005-shared-database.md).
--
-- Same dialect rules as V1 (PostgreSQL and H2 in PostgreSQL mode): BYTEA, VARCHAR with a length,
-- identity columns. The bridge shares the home server's database in `sealpost up` but none of its
-- tables; a bridge run against another home server keeps only these.
--
-- owner is the IMAP login the rows belong to as James names it: the account's mail address in
-- lower case, "0x…@home". No column holds message plaintext: bodies are the envelopes' ciphertext,
-- opened on demand with the keys a login unlocks.

-- Folders. uid_validity never changes for a row; last_uid and highest_modseq are the counters
-- UIDs and modseqs are taken from (UIDNEXT = last_uid + 1, HIGHESTMODSEQ), under a row lock on
-- this row (SELECT … FOR UPDATE) in the transaction that writes the messages, so UIDs commit in
-- increasing order and never come back after an expunge.
CREATE TABLE imap_mailboxes (
    id             BIGINT GENERATED ALWAYS AS IDENTITY,
    owner          VARCHAR(320)  NOT NULL,
    namespace      VARCHAR(64)   NOT NULL,
    name           VARCHAR(1024) NOT NULL,
    uid_validity   BIGINT        NOT NULL,
    last_uid       BIGINT        DEFAULT 0 NOT NULL,
    highest_modseq BIGINT        DEFAULT 0 NOT NULL,
    CONSTRAINT imap_mailboxes_pk PRIMARY KEY (id),
    -- One folder per path; also the index of an owner's LIST.
    CONSTRAINT imap_mailboxes_path UNIQUE (owner, namespace, name),
    CONSTRAINT imap_mailboxes_uid_validity CHECK (uid_validity > 0),
    CONSTRAINT imap_mailboxes_counters CHECK (last_uid >= 0 AND highest_modseq >= 0)
);

-- The envelopes behind an owner's messages: the serialized Envelope (PROTOCOL.md §3) exactly as
-- received or sealed, so a body can be opened again after a restart. Kept after the last message
-- referencing it is expunged, with body NULL: the id alone stops a re-read inbox from bringing the
-- message back.
--   rendered: synced mail, shown with the bridge's sender headers; false for APPENDed mail,
--             shown as the client sent it.
--   sender_*: the sender check made when synced mail was opened (what consent filing uses on a
--             later MOVE); NULL for appended mail. kind is VERIFIED, GATEWAY or UNVERIFIED.
CREATE TABLE imap_envelopes (
    owner               VARCHAR(320)             NOT NULL,
    envelope_id         VARCHAR(32)              NOT NULL,
    body                BYTEA,
    rendered            BOOLEAN                  NOT NULL,
    sender_kind         VARCHAR(10),
    sender_address      VARCHAR(320),
    sender_installation VARCHAR(32),
    sender_domain       VARCHAR(253),
    sender_failure      VARCHAR(32),
    sender_detail       VARCHAR(1000),
    stored_at           TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT imap_envelopes_pk PRIMARY KEY (owner, envelope_id),
    CONSTRAINT imap_envelopes_envelope_id_hex CHECK (char_length(envelope_id) = 32),
    CONSTRAINT imap_envelopes_sender_kind
        CHECK (sender_kind IS NULL OR sender_kind IN ('VERIFIED', 'GATEWAY', 'UNVERIFIED'))
);

-- Messages: one row per (folder, UID), pointing at its envelope; copies share the envelope and
-- message_id. modseq is the folder counter's value at the row's last change (CONDSTORE).
CREATE TABLE imap_messages (
    mailbox_id    BIGINT                   NOT NULL,
    uid           BIGINT                   NOT NULL,
    modseq        BIGINT                   NOT NULL,
    owner         VARCHAR(320)             NOT NULL,
    envelope_id   VARCHAR(32)              NOT NULL,
    message_id    VARCHAR(64)              NOT NULL,
    internal_date TIMESTAMP WITH TIME ZONE NOT NULL,
    save_date     TIMESTAMP WITH TIME ZONE NOT NULL,
    size          BIGINT                   NOT NULL,
    answered      BOOLEAN                  NOT NULL,
    deleted       BOOLEAN                  NOT NULL,
    draft         BOOLEAN                  NOT NULL,
    flagged       BOOLEAN                  NOT NULL,
    recent        BOOLEAN                  NOT NULL,
    seen          BOOLEAN                  NOT NULL,
    -- Keywords ($Junk, $Label1, …), space-separated in sorted order; IMAP atoms hold no spaces.
    user_flags    VARCHAR(4000)            NOT NULL,
    CONSTRAINT imap_messages_pk PRIMARY KEY (mailbox_id, uid),
    CONSTRAINT imap_messages_mailbox FOREIGN KEY (mailbox_id)
        REFERENCES imap_mailboxes (id) ON DELETE CASCADE,
    CONSTRAINT imap_messages_envelope FOREIGN KEY (owner, envelope_id)
        REFERENCES imap_envelopes (owner, envelope_id),
    CONSTRAINT imap_messages_uid CHECK (uid > 0),
    CONSTRAINT imap_messages_size CHECK (size >= 0)
);
-- CHANGEDSINCE: a folder's rows changed after a modseq.
CREATE INDEX imap_messages_modseq ON imap_messages (mailbox_id, modseq);
-- Whether an envelope is still referenced (expunge, dedup).
CREATE INDEX imap_messages_envelope ON imap_messages (owner, envelope_id);

-- LSUB: the folders an owner subscribed to, by name as James gives it.
CREATE TABLE imap_subscriptions (
    owner   VARCHAR(320)  NOT NULL,
    mailbox VARCHAR(1024) NOT NULL,
    CONSTRAINT imap_subscriptions_pk PRIMARY KEY (owner, mailbox)
);

-- Where each owner's inbox sync stopped on the home server: the opaque cursor after the last
-- envelope placed, so a restart resumes the stream there instead of re-reading the inbox.
CREATE TABLE imap_sync_cursors (
    owner        VARCHAR(320)             NOT NULL,
    inbox_cursor VARCHAR(256)             NOT NULL,
    updated_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT imap_sync_cursors_pk PRIMARY KEY (owner)
);
