-- chat-pickup database schema.
--
-- Table and column names follow SuperOffice's database reference so that people who know
-- SuperOffice find their way and data can move between the two. Conventions:
--   * enums are stored as their integer values (ChatSessionStatus InQueue = 4, ...);
--   * date-times are UTC text 'YYYY-MM-DD HH:MM:SS.ffffff' (fixed width, so text order is
--     time order, and SQLite's date functions read it); NULL means "never";
--   * a missing link is NULL (SuperOffice writes 0), which lets foreign keys be enforced.
-- Applied on every open; every statement is idempotent. Version: PRAGMA user_version.

CREATE TABLE IF NOT EXISTS language (
    id    INTEGER PRIMARY KEY,
    code  TEXT NOT NULL UNIQUE COLLATE NOCASE,  -- SuperOffice multi-language prefix: US, NO, GE
    iso2  TEXT NOT NULL,                        -- ISO 639-1 code: en, nb, de
    name  TEXT NOT NULL
);
INSERT OR IGNORE INTO language (id, code, iso2, name) VALUES
    (1, 'US', 'en', 'English'), (2, 'NO', 'nb', 'Norwegian'), (3, 'GE', 'de', 'German'),
    (4, 'SE', 'sv', 'Swedish'), (5, 'DA', 'da', 'Danish'), (6, 'NL', 'nl', 'Dutch'),
    (7, 'FR', 'fr', 'French'), (8, 'FI', 'fi', 'Finnish');

CREATE TABLE IF NOT EXISTS associate (
    associate_id  INTEGER PRIMARY KEY,
    name          TEXT NOT NULL UNIQUE COLLATE NOCASE,   -- login name, e.g. tje0
    person_id     INTEGER REFERENCES person (person_id),
    rank          INTEGER NOT NULL DEFAULT 0,
    tooltip       TEXT NOT NULL DEFAULT '',
    type          INTEGER NOT NULL DEFAULT 1,            -- UserType: 1 = InternalAssociate
    group_idx     INTEGER NOT NULL DEFAULT 0,
    full_name     TEXT NOT NULL DEFAULT '',
    formal_name   TEXT NOT NULL DEFAULT '',
    deleted       INTEGER NOT NULL DEFAULT 0,
    ejuser_id     INTEGER NOT NULL DEFAULT 0
);

-- Secrets live apart from the associate row; `value` is a PHC string (argon2id) or a hash,
-- never the secret itself.
CREATE TABLE IF NOT EXISTS credentials (
    id            INTEGER PRIMARY KEY,
    associate_id  INTEGER NOT NULL REFERENCES associate (associate_id),
    type          TEXT NOT NULL,                         -- 'password'
    value         TEXT NOT NULL,
    UNIQUE (associate_id, type)
);

CREATE TABLE IF NOT EXISTS contact (
    contact_id          INTEGER PRIMARY KEY,
    name                TEXT NOT NULL DEFAULT '',
    department          TEXT NOT NULL DEFAULT '',
    orgnr               TEXT NOT NULL DEFAULT '',
    number1             TEXT NOT NULL DEFAULT '',
    url                 TEXT NOT NULL DEFAULT '',
    url_name            TEXT NOT NULL DEFAULT '',
    phone               TEXT NOT NULL DEFAULT '',
    fax                 TEXT NOT NULL DEFAULT '',
    email               TEXT NOT NULL DEFAULT '',
    email_name          TEXT NOT NULL DEFAULT '',
    kananame            TEXT NOT NULL DEFAULT '',
    associate_id        INTEGER REFERENCES associate (associate_id),
    country_id          INTEGER NOT NULL DEFAULT 0,
    country_name        TEXT NOT NULL DEFAULT '',
    business_name       TEXT NOT NULL DEFAULT '',
    category_name       TEXT NOT NULL DEFAULT '',
    is_owner            INTEGER NOT NULL DEFAULT 0,
    street_address1     TEXT NOT NULL DEFAULT '',
    street_address2     TEXT NOT NULL DEFAULT '',
    street_address3     TEXT NOT NULL DEFAULT '',
    street_zipcode      TEXT NOT NULL DEFAULT '',
    street_city         TEXT NOT NULL DEFAULT '',
    street_county       TEXT NOT NULL DEFAULT '',
    street_state        TEXT NOT NULL DEFAULT '',
    postal_address1     TEXT NOT NULL DEFAULT '',
    postal_address2     TEXT NOT NULL DEFAULT '',
    postal_address3     TEXT NOT NULL DEFAULT '',
    postal_zipcode      TEXT NOT NULL DEFAULT '',
    postal_city         TEXT NOT NULL DEFAULT '',
    postal_county       TEXT NOT NULL DEFAULT '',
    postal_state        TEXT NOT NULL DEFAULT ''
);

CREATE TABLE IF NOT EXISTS person (
    person_id            INTEGER PRIMARY KEY,
    contact_id           INTEGER REFERENCES contact (contact_id),
    firstname            TEXT NOT NULL DEFAULT '',
    middlename           TEXT NOT NULL DEFAULT '',
    lastname             TEXT NOT NULL DEFAULT '',
    mrmrs                TEXT NOT NULL DEFAULT '',
    title                TEXT NOT NULL DEFAULT '',
    position             TEXT NOT NULL DEFAULT '',
    description          TEXT NOT NULL DEFAULT '',
    email                TEXT NOT NULL DEFAULT '',
    email_name           TEXT NOT NULL DEFAULT '',
    direct_phone         TEXT NOT NULL DEFAULT '',
    mobile_phone         TEXT NOT NULL DEFAULT '',
    fax_phone            TEXT NOT NULL DEFAULT '',
    country_id           INTEGER NOT NULL DEFAULT 0,
    retired              INTEGER NOT NULL DEFAULT 0,
    rank                 INTEGER NOT NULL DEFAULT 0,
    associate_id         INTEGER REFERENCES associate (associate_id),
    use_person_address   INTEGER NOT NULL DEFAULT 0,
    kanafname            TEXT NOT NULL DEFAULT '',
    kanalname            TEXT NOT NULL DEFAULT '',
    ticket_priority_id   INTEGER NOT NULL DEFAULT 0,
    support_language_id  INTEGER NOT NULL DEFAULT 0,
    support_associate_id INTEGER NOT NULL DEFAULT 0,
    person_number        TEXT NOT NULL DEFAULT ''
);

CREATE TABLE IF NOT EXISTS project (
    project_id      INTEGER PRIMARY KEY,
    name            TEXT NOT NULL DEFAULT '',
    description     TEXT NOT NULL DEFAULT '',
    url             TEXT NOT NULL DEFAULT '',
    url_name        TEXT NOT NULL DEFAULT '',
    type_idx        INTEGER NOT NULL DEFAULT 0,
    type_name       TEXT NOT NULL DEFAULT '',
    associate_id    INTEGER REFERENCES associate (associate_id),
    updated         TEXT,
    status_idx      INTEGER NOT NULL DEFAULT 0,
    status_name     TEXT NOT NULL DEFAULT '',
    text_id         INTEGER NOT NULL DEFAULT 0,
    publish_from    TEXT,
    publish_to      TEXT,
    is_published    INTEGER NOT NULL DEFAULT 0,
    project_number  TEXT NOT NULL DEFAULT '',
    event_id        INTEGER NOT NULL DEFAULT 0,
    start_date      TEXT
);

CREATE TABLE IF NOT EXISTS sale (
    sale_id         INTEGER PRIMARY KEY,
    heading         TEXT NOT NULL DEFAULT '',
    description     TEXT NOT NULL DEFAULT '',
    saledate        TEXT,
    probability     INTEGER NOT NULL DEFAULT 0,
    amount          REAL NOT NULL DEFAULT 0,
    earning         REAL NOT NULL DEFAULT 0,
    currency        TEXT NOT NULL DEFAULT '',
    status          INTEGER NOT NULL DEFAULT 1,   -- SaleStatus: 1 = Open
    completed       INTEGER NOT NULL DEFAULT 1,   -- ActivityStatus: 1 = NotStarted
    contact_id      INTEGER REFERENCES contact (contact_id),
    person_id       INTEGER REFERENCES person (person_id),
    project_id      INTEGER REFERENCES project (project_id),
    associate_id    INTEGER REFERENCES associate (associate_id),
    sale_type_id    INTEGER NOT NULL DEFAULT 0,
    sale_type_name  TEXT NOT NULL DEFAULT '',
    next_due_date   TEXT,
    number1         TEXT NOT NULL DEFAULT ''
);

CREATE TABLE IF NOT EXISTS ticket (
    id                      INTEGER PRIMARY KEY,
    title                   TEXT NOT NULL DEFAULT '',
    created_at              TEXT,
    last_changed            TEXT,
    read_by_owner           TEXT,
    read_by_customer        TEXT,
    first_read_by_user      TEXT,
    activate                TEXT,
    closed_at               TEXT,
    replied_at              TEXT,
    alert_timeout           TEXT,
    deadline                TEXT,
    created_by              INTEGER REFERENCES associate (associate_id),
    author                  TEXT NOT NULL DEFAULT '',
    owned_by                INTEGER REFERENCES associate (associate_id),
    category                INTEGER NOT NULL DEFAULT 0,
    category_name           TEXT NOT NULL DEFAULT '',
    slevel                  INTEGER NOT NULL DEFAULT 1,   -- TicketSecurityLevel: 1 = Internal
    priority                INTEGER NOT NULL DEFAULT 0,
    priority_name           TEXT NOT NULL DEFAULT '',
    base_status             INTEGER NOT NULL DEFAULT 1,   -- TicketBaseStatus: 1 = Active
    ticket_status           INTEGER NOT NULL DEFAULT 0,
    ticket_status_name      TEXT NOT NULL DEFAULT '',
    origin                  INTEGER NOT NULL DEFAULT 0,   -- TicketOrigin
    cust_id                 INTEGER REFERENCES person (person_id),
    alert_level             INTEGER NOT NULL DEFAULT 0,
    connect_id              INTEGER NOT NULL DEFAULT 0,
    read_status             INTEGER NOT NULL DEFAULT 0,   -- TicketReadStatus
    time_to_reply           INTEGER NOT NULL DEFAULT 0,
    real_time_to_reply      INTEGER NOT NULL DEFAULT 0,
    time_to_close           INTEGER NOT NULL DEFAULT 0,
    real_time_to_close      INTEGER NOT NULL DEFAULT 0,
    time_spent_internally   INTEGER NOT NULL DEFAULT 0,
    time_spent_externally   INTEGER NOT NULL DEFAULT 0,
    time_spent_queue        INTEGER NOT NULL DEFAULT 0,
    real_time_spent_internally INTEGER NOT NULL DEFAULT 0,
    real_time_spent_externally INTEGER NOT NULL DEFAULT 0,
    real_time_spent_queue   INTEGER NOT NULL DEFAULT 0,
    has_attachment          INTEGER NOT NULL DEFAULT 0,
    num_replies             INTEGER NOT NULL DEFAULT 0,
    num_messages            INTEGER NOT NULL DEFAULT 0,
    from_address            TEXT NOT NULL DEFAULT '',
    language                TEXT NOT NULL DEFAULT '',
    sentiment               INTEGER NOT NULL DEFAULT 0,
    sentiment_confidence    INTEGER NOT NULL DEFAULT 0,
    sale_id                 INTEGER REFERENCES sale (sale_id),
    project_id              INTEGER REFERENCES project (project_id),
    form_submission_id      INTEGER NOT NULL DEFAULT 0,
    ticket_type_id          INTEGER NOT NULL DEFAULT 0,
    ticket_type_name        TEXT NOT NULL DEFAULT ''
);

CREATE TABLE IF NOT EXISTS chat_topic (
    id                 INTEGER PRIMARY KEY,
    name               TEXT NOT NULL UNIQUE COLLATE NOCASE,
    description        TEXT NOT NULL DEFAULT '',
    language_id        INTEGER REFERENCES language (id),  -- the customers' language
    welcome_message    TEXT NOT NULL DEFAULT '',          -- may be multi-language: US:"..";NO:".."
    last_accept        TEXT,
    seconds_pr_accept  INTEGER NOT NULL DEFAULT 0,
    -- Ours: how many pickups seconds_pr_accept averages over (SuperOffice keeps no count).
    accept_count       INTEGER NOT NULL DEFAULT 0
);

-- Membership and rights of a user agent in a topic (SuperOffice: chat_topic_user).
CREATE TABLE IF NOT EXISTS chat_topic_user (
    id             INTEGER PRIMARY KEY,
    user_id        INTEGER NOT NULL REFERENCES associate (associate_id),
    topic_id       INTEGER NOT NULL REFERENCES chat_topic (id),
    can_listen     INTEGER NOT NULL DEFAULT 0,
    can_respond    INTEGER NOT NULL DEFAULT 0,
    manager        INTEGER NOT NULL DEFAULT 0,
    notifications  INTEGER NOT NULL DEFAULT 0,
    UNIQUE (user_id, topic_id)
);

CREATE TABLE IF NOT EXISTS chat_session (
    id                 INTEGER PRIMARY KEY,
    topic_id           INTEGER NOT NULL REFERENCES chat_topic (id),
    user_id            INTEGER REFERENCES associate (associate_id),
    customer_id        INTEGER REFERENCES person (person_id),
    contact_id         INTEGER REFERENCES contact (contact_id),
    project_id         INTEGER REFERENCES project (project_id),
    sale_id            INTEGER REFERENCES sale (sale_id),
    ticket_id          INTEGER REFERENCES ticket (id),
    transfer_to        INTEGER REFERENCES associate (associate_id),
    customer_alias     TEXT NOT NULL DEFAULT '',
    customer_host      TEXT NOT NULL DEFAULT '',
    name               TEXT NOT NULL DEFAULT '',
    email              TEXT NOT NULL DEFAULT '',
    phone              TEXT NOT NULL DEFAULT '',
    company_name       TEXT NOT NULL DEFAULT '',
    country            TEXT NOT NULL DEFAULT '',
    consented          INTEGER NOT NULL DEFAULT 0,
    status             INTEGER NOT NULL,                  -- ChatSessionStatus: 4 = InQueue
    first_message      TEXT NOT NULL DEFAULT '',
    last_message       TEXT NOT NULL DEFAULT '',
    when_requested     TEXT NOT NULL,
    when_started       TEXT,
    when_ended         TEXT,
    idle               TEXT,
    customer_fetch     TEXT,
    session_key        TEXT NOT NULL DEFAULT '',
    initial_queue_pos  INTEGER NOT NULL DEFAULT 0,
    alert_level        INTEGER NOT NULL DEFAULT 0,
    rank               INTEGER NOT NULL DEFAULT 0,
    flags              INTEGER NOT NULL DEFAULT 0,
    chatbot_isactive   INTEGER NOT NULL DEFAULT 0,
    rating             INTEGER NOT NULL DEFAULT 0
);
-- The queue walk: status first, then the pickup order, with topic_id in the index so the
-- caller's topic filter is checked without touching the table. SuperOffice's own
-- (status, topic_id, id) makes SQLite sort the whole queue once an agent has two topics.
CREATE INDEX IF NOT EXISTS chat_session_queue
    ON chat_session (status, when_requested, id, topic_id);
-- Rank: the agent's active sessions.
CREATE INDEX IF NOT EXISTS chat_session_user_status ON chat_session (user_id, status);

CREATE TABLE IF NOT EXISTS chat_message (
    id                INTEGER PRIMARY KEY,
    session_id        INTEGER NOT NULL REFERENCES chat_session (id),
    message           TEXT NOT NULL DEFAULT '',
    when_posted       TEXT NOT NULL,
    type              INTEGER NOT NULL,          -- ChatMessageType: 1 = ToCustomer
    special_type      INTEGER NOT NULL DEFAULT 0, -- ChatMessageSpecialType: 1 = Welcome
    special_param     TEXT NOT NULL DEFAULT '',
    read_by_customer  INTEGER NOT NULL DEFAULT 0,
    author            TEXT NOT NULL DEFAULT '',
    created_by        INTEGER NOT NULL DEFAULT 0  -- associate id; -1 for the customer
);
CREATE INDEX IF NOT EXISTS chat_message_session ON chat_message (session_id, id);


PRAGMA user_version = 1;
