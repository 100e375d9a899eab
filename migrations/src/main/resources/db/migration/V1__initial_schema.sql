-- Sealpost schema, version 1: the one definition of the home server's tables.
--
-- Runs unchanged on PostgreSQL and on H2 in PostgreSQL mode (MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE),
-- so it keeps to what both accept: BYTEA, VARCHAR with a length (H2 reads TEXT as a CLOB),
-- identity columns, no partial or INCLUDE indexes, no regular expressions in checks.
-- Migrations are append-only: change the schema in a new V<n>__ file, never here.
--
-- Conventions: accounts are canonical ("0x" + 40 lowercase hex), installation ids the 32 lowercase
-- hex digits of PROTOCOL.md §2 (they appear in signed texts and auth headers, so operators can grep
-- for them), other binary values raw bytes; times are TIMESTAMP WITH TIME ZONE (stored as UTC).

-- Key bundles (PROTOCOL.md §2.2), one per installation; the statement's fields, so the signed
-- text can be rebuilt and the wallet signature checked again.
CREATE TABLE bundles (
    installation     VARCHAR(32)              NOT NULL,
    account          VARCHAR(42)              NOT NULL,
    home             VARCHAR(253)             NOT NULL,
    signing_key      BYTEA                    NOT NULL,
    encryption_key   BYTEA                    NOT NULL,
    issued_at        TIMESTAMP WITH TIME ZONE NOT NULL,
    expires_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    wallet_signature BYTEA                    NOT NULL,
    received_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT bundles_pk PRIMARY KEY (installation),
    CONSTRAINT bundles_installation_hex CHECK (char_length(installation) = 32),
    CONSTRAINT bundles_account_canonical CHECK (char_length(account) = 42),
    CONSTRAINT bundles_signing_key_length CHECK (octet_length(signing_key) = 32),
    CONSTRAINT bundles_encryption_key_length CHECK (octet_length(encryption_key) = 32),
    CONSTRAINT bundles_wallet_signature_length CHECK (octet_length(wallet_signature) = 65)
);
-- Looking up an account's bundles (every send to it, every bundle request) must not scan them all.
CREATE INDEX bundles_account ON bundles (account);

-- Revocations (PROTOCOL.md §2.3): at most one per installation, the first one received.
CREATE TABLE revocations (
    installation     VARCHAR(32)              NOT NULL,
    account          VARCHAR(42)              NOT NULL,
    revoked_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    wallet_signature BYTEA                    NOT NULL,
    received_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT revocations_pk PRIMARY KEY (installation),
    CONSTRAINT revocations_installation_hex CHECK (char_length(installation) = 32),
    CONSTRAINT revocations_account_canonical CHECK (char_length(account) = 42),
    CONSTRAINT revocations_wallet_signature_length CHECK (octet_length(wallet_signature) = 65)
);
-- Read together with bundles_account whenever an account's bundles are checked.
CREATE INDEX revocations_account ON revocations (account);

-- Inboxes: envelopes for accounts homed here, the serialized Envelope as stored (PROTOCOL.md §3.3).
-- sequence is the store's cursor: it grows with every stored envelope and is shared by all inboxes
-- (never dense per account); an identity, so unique on its own.
CREATE TABLE envelopes (
    sequence    BIGINT GENERATED ALWAYS AS IDENTITY,
    recipient   VARCHAR(42)              NOT NULL,
    envelope_id BYTEA                    NOT NULL,
    body        BYTEA                    NOT NULL,
    size        INTEGER                  NOT NULL,
    received_at TIMESTAMP WITH TIME ZONE NOT NULL,
    -- The inbox index: WHERE recipient = ? AND sequence > ? ORDER BY recipient, sequence LIMIT n
    -- is a range scan that starts at the cursor and stops after n entries, already in order, so a
    -- page costs the same in an inbox of a million envelopes as in one of a thousand (no sort, no
    -- OFFSET). It is the primary key, and there is deliberately no index on sequence alone: with
    -- one, PostgreSQL reads a large inbox's newest page by walking that index from the cursor and
    -- filtering on recipient, which for a reader that is already up to date means reading every
    -- later envelope of every other inbox.
    CONSTRAINT envelopes_pk PRIMARY KEY (recipient, sequence),
    -- Deduplication (§3.3, §8): a retried delivery of the same (recipient, id) is not stored twice,
    -- even when two copies arrive at once. Also finds the first copy's cursor for a duplicate.
    CONSTRAINT envelopes_recipient_envelope_id UNIQUE (recipient, envelope_id),
    CONSTRAINT envelopes_recipient_canonical CHECK (char_length(recipient) = 42),
    CONSTRAINT envelopes_envelope_id_length CHECK (octet_length(envelope_id) = 16),
    CONSTRAINT envelopes_size CHECK (size = octet_length(body))
);

-- Federation's durable outbound queue (PROTOCOL.md §8): envelopes for accounts homed elsewhere,
-- kept until the destination answers stored or duplicate.
CREATE TABLE outbound_envelopes (
    sequence        BIGINT GENERATED ALWAYS AS IDENTITY,
    destination     VARCHAR(253)             NOT NULL,
    recipient       VARCHAR(42)              NOT NULL,
    envelope_id     BYTEA                    NOT NULL,
    body            BYTEA                    NOT NULL,
    received_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    attempts        INTEGER                  DEFAULT 0 NOT NULL,
    next_attempt_at TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT outbound_envelopes_pk PRIMARY KEY (sequence),
    -- Queuing the same envelope twice (a client retrying its publish) delivers it once.
    CONSTRAINT outbound_envelopes_recipient_envelope_id UNIQUE (recipient, envelope_id),
    CONSTRAINT outbound_envelopes_recipient_canonical CHECK (char_length(recipient) = 42),
    CONSTRAINT outbound_envelopes_envelope_id_length CHECK (octet_length(envelope_id) = 16),
    CONSTRAINT outbound_envelopes_attempts CHECK (attempts >= 0)
);
-- The delivery loop picks, per destination, what is due (destination = ? AND next_attempt_at <= ?)
-- in due order; pending(destination) counts a prefix of the same index.
CREATE INDEX outbound_envelopes_destination_due ON outbound_envelopes (destination, next_attempt_at);

-- Consent (DESIGN.md, PROTOCOL.md §7): an account's latest decision about a sender account or a
-- whole domain, with the installation's signed request that made it, so every installation can
-- check it. The primary key serves find (all three columns) and list (account prefix).
CREATE TABLE consent (
    account        VARCHAR(42)              NOT NULL,
    kind           VARCHAR(6)               NOT NULL,
    subject        VARCHAR(253)             NOT NULL,
    state          VARCHAR(5)               NOT NULL,
    decided_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    installation   VARCHAR(32)              NOT NULL,
    request_target VARCHAR(2048)            NOT NULL,
    request_time   BIGINT                   NOT NULL,
    request_body   BYTEA                    NOT NULL,
    signature      BYTEA                    NOT NULL,
    CONSTRAINT consent_pk PRIMARY KEY (account, kind, subject),
    CONSTRAINT consent_account_canonical CHECK (char_length(account) = 42),
    CONSTRAINT consent_kind CHECK (kind IN ('SENDER', 'DOMAIN')),
    CONSTRAINT consent_state CHECK (state IN ('ALLOW', 'DENY')),
    CONSTRAINT consent_installation_hex CHECK (char_length(installation) = 32)
);
