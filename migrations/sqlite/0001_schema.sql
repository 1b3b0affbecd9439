-- The whole schema: geography, catalog, accounts, ads and their photos,
-- conversations, sessions and the operational tables.
-- Times are stored in UTC.

CREATE TABLE states (
    id      INTEGER PRIMARY KEY,
    state   VARCHAR(100) NOT NULL,
    acronym CHAR(2) NOT NULL
);
CREATE UNIQUE INDEX uq_states_acronym ON states (acronym);

CREATE TABLE cities (
    id       INTEGER PRIMARY KEY,
    city     VARCHAR(100) NOT NULL,
    state_id SMALLINT NOT NULL,
    CONSTRAINT fk_cities_state FOREIGN KEY (state_id) REFERENCES states (id)
);
CREATE INDEX ix_cities_state_city ON cities (state_id, city);

CREATE TABLE motorcycle_brands (
    id      INTEGER PRIMARY KEY AUTOINCREMENT,
    brand   VARCHAR(50) NOT NULL,
    popular BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE UNIQUE INDEX uq_brands_brand ON motorcycle_brands (brand);

CREATE TABLE motorcycle_brand_models (
    id       INTEGER PRIMARY KEY AUTOINCREMENT,
    brand_id INT NOT NULL,
    model    VARCHAR(50) NOT NULL,
    CONSTRAINT fk_models_brand FOREIGN KEY (brand_id) REFERENCES motorcycle_brands (id)
);
CREATE UNIQUE INDEX uq_models_brand_model ON motorcycle_brand_models (brand_id, model);

CREATE TABLE motorcycle_brand_models_versions (
    id       INTEGER PRIMARY KEY AUTOINCREMENT,
    model_id INT NOT NULL,
    version  VARCHAR(100) NOT NULL,
    CONSTRAINT fk_versions_model FOREIGN KEY (model_id) REFERENCES motorcycle_brand_models (id)
);
CREATE INDEX ix_versions_model ON motorcycle_brand_models_versions (model_id, version);

CREATE TABLE users (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    email          VARCHAR(255) NOT NULL,
    fullname       VARCHAR(500) NOT NULL,
    password       VARCHAR(255) NOT NULL,
    is_admin       BOOLEAN NOT NULL DEFAULT FALSE,
    is_demo        BOOLEAN NOT NULL DEFAULT FALSE,
    blocked_at     DATETIME NULL,
    blocked_reason VARCHAR(500) NOT NULL DEFAULT '',
    last_login     DATETIME NULL,
    created        DATETIME NOT NULL,
    updated        DATETIME NOT NULL
);
CREATE UNIQUE INDEX uq_users_email ON users (email);
CREATE INDEX ix_users_created ON users (created);

CREATE TABLE user_profiles (
    user_id                          INTEGER PRIMARY KEY,
    subscribe_offer                  BOOLEAN NOT NULL DEFAULT FALSE,
    state_id                         SMALLINT NULL,
    city_id                          INT NULL,
    zip_code                         VARCHAR(9) NOT NULL DEFAULT '',
    address                          VARCHAR(1000) NOT NULL DEFAULT '',
    neighborhood                     VARCHAR(100) NOT NULL DEFAULT '',
    address_complement               VARCHAR(500) NOT NULL DEFAULT '',
    date_of_birth                    DATE NULL,
    telephone                        VARCHAR(40) NOT NULL DEFAULT '',
    gender                           CHAR(1) NOT NULL DEFAULT '',
    has_motorcycle                   BOOLEAN NULL,
    motorcycle_brand_wanted_id       INT NULL,
    motorcycle_brand_model_wanted_id INT NULL,
    motorcycle_wanted_year           SMALLINT NULL,
    authz_whatsapp                   BOOLEAN NOT NULL DEFAULT FALSE,
    authz_sms                        BOOLEAN NOT NULL DEFAULT FALSE,
    show_telephone_classifiedad      BOOLEAN NOT NULL DEFAULT FALSE,
    CONSTRAINT fk_profiles_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
    CONSTRAINT fk_profiles_state FOREIGN KEY (state_id) REFERENCES states (id),
    CONSTRAINT fk_profiles_city FOREIGN KEY (city_id) REFERENCES cities (id),
    CONSTRAINT fk_profiles_brand FOREIGN KEY (motorcycle_brand_wanted_id)
        REFERENCES motorcycle_brands (id) ON DELETE SET NULL,
    CONSTRAINT fk_profiles_model FOREIGN KEY (motorcycle_brand_model_wanted_id)
        REFERENCES motorcycle_brand_models (id) ON DELETE SET NULL
);

-- An ad. status keeps the original's values (new, published, update, delete,
-- expired, inactive) plus failed. listed is true exactly when the ad is on the
-- public pages; every search index starts with it.
CREATE TABLE classifiedad (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id           BIGINT NOT NULL,
    brand_id          INT NOT NULL,
    model_id          INT NOT NULL,
    model_version_id  INT NULL,
    type              VARCHAR(20) NOT NULL DEFAULT '',
    origin            VARCHAR(10) NOT NULL DEFAULT '',
    fabrication_year  SMALLINT NOT NULL,
    model_year        SMALLINT NOT NULL,
    license_plate     VARCHAR(20) NOT NULL,
    mileage           INT NOT NULL DEFAULT 0,
    is_new            BOOLEAN NOT NULL DEFAULT FALSE,
    color             VARCHAR(10) NOT NULL DEFAULT '',
    price             DECIMAL(10,2) NOT NULL,
    sales_phrase      VARCHAR(500) NOT NULL DEFAULT '',
    description       TEXT NOT NULL,
    optional_alarm    BOOLEAN NOT NULL DEFAULT FALSE,
    optional_chest    BOOLEAN NOT NULL DEFAULT FALSE,
    optional_computer BOOLEAN NOT NULL DEFAULT FALSE,
    optional_gps      BOOLEAN NOT NULL DEFAULT FALSE,
    accept_new_offer  BOOLEAN NOT NULL DEFAULT FALSE,
    accept_exchange   BOOLEAN NOT NULL DEFAULT FALSE,
    doc_ok            BOOLEAN NULL,
    track_ready       BOOLEAN NULL,
    brake_system      VARCHAR(10) NOT NULL DEFAULT '',
    ignition_system   VARCHAR(10) NOT NULL DEFAULT '',
    refrigeration     VARCHAR(10) NOT NULL DEFAULT '',
    state_id          SMALLINT NOT NULL,
    city_id           INT NOT NULL,
    status            VARCHAR(10) NOT NULL DEFAULT 'new',
    status_changed    DATETIME NOT NULL,
    status_reason     VARCHAR(1000) NOT NULL DEFAULT '',
    listed            BOOLEAN NOT NULL DEFAULT FALSE,
    hidden_at         DATETIME NULL,
    hidden_reason     VARCHAR(500) NOT NULL DEFAULT '',
    top_offer         BOOLEAN NOT NULL DEFAULT FALSE,
    search_text       VARCHAR(800) NOT NULL DEFAULT '',
    published_at      DATETIME NULL,
    expires_at        DATETIME NULL,
    created           DATETIME NOT NULL,
    updated           DATETIME NOT NULL,
    CONSTRAINT fk_ad_user FOREIGN KEY (user_id) REFERENCES users (id),
    CONSTRAINT fk_ad_brand FOREIGN KEY (brand_id) REFERENCES motorcycle_brands (id),
    CONSTRAINT fk_ad_model FOREIGN KEY (model_id) REFERENCES motorcycle_brand_models (id),
    CONSTRAINT fk_ad_version FOREIGN KEY (model_version_id) REFERENCES motorcycle_brand_models_versions (id),
    CONSTRAINT fk_ad_state FOREIGN KEY (state_id) REFERENCES states (id),
    CONSTRAINT fk_ad_city FOREIGN KEY (city_id) REFERENCES cities (id)
);
CREATE INDEX ix_ad_user_status ON classifiedad (user_id, status);
CREATE INDEX ix_ad_status_changed ON classifiedad (status, status_changed);
CREATE INDEX ix_ad_listed_published ON classifiedad (listed, published_at);
CREATE INDEX ix_ad_listed_top ON classifiedad (listed, top_offer, published_at);
CREATE INDEX ix_ad_listed_brand ON classifiedad (listed, brand_id, model_id, published_at);
CREATE INDEX ix_ad_listed_state ON classifiedad (listed, state_id, city_id, published_at);
CREATE INDEX ix_ad_listed_price ON classifiedad (listed, price);
CREATE INDEX ix_ad_listed_year ON classifiedad (listed, model_year);
CREATE INDEX ix_ad_listed_km ON classifiedad (listed, mileage);
CREATE INDEX ix_ad_expires ON classifiedad (listed, expires_at);

-- A photo of an ad. Object keys, not URLs: tmp_key in the temporary bucket
-- until the worker writes thumb_key and large_key in the public one.
-- status: pending, ready, removed (to delete from the public bucket), failed.
CREATE TABLE classifiedad_images (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    classifiedad_id BIGINT NOT NULL,
    position        SMALLINT NOT NULL,
    status          VARCHAR(10) NOT NULL DEFAULT 'pending',
    tmp_key         VARCHAR(255) NOT NULL DEFAULT '',
    thumb_key       VARCHAR(255) NOT NULL DEFAULT '',
    large_key       VARCHAR(255) NOT NULL DEFAULT '',
    thumb_width     SMALLINT NOT NULL DEFAULT 0,
    thumb_height    SMALLINT NOT NULL DEFAULT 0,
    large_width     SMALLINT NOT NULL DEFAULT 0,
    large_height    SMALLINT NOT NULL DEFAULT 0,
    error           VARCHAR(500) NOT NULL DEFAULT '',
    created         DATETIME NOT NULL,
    CONSTRAINT fk_images_ad FOREIGN KEY (classifiedad_id) REFERENCES classifiedad (id) ON DELETE CASCADE
);
CREATE INDEX ix_images_ad ON classifiedad_images (classifiedad_id, status, position);

-- A photo uploaded to the temporary bucket before its ad is submitted; the
-- token is only honoured for the user who uploaded it.
CREATE TABLE photo_uploads (
    token        CHAR(32) NOT NULL PRIMARY KEY,
    user_id      BIGINT NOT NULL,
    tmp_key      VARCHAR(255) NOT NULL,
    content_type VARCHAR(30) NOT NULL,
    size_bytes   INT NOT NULL,
    width        SMALLINT NOT NULL,
    height       SMALLINT NOT NULL,
    created      DATETIME NOT NULL,
    used_at      DATETIME NULL,
    CONSTRAINT fk_uploads_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
);
CREATE INDEX ix_uploads_user ON photo_uploads (user_id, created);
CREATE INDEX ix_uploads_created ON photo_uploads (created);

-- One conversation per (ad, buyer). buyer_key is "u:<user id>" for a
-- registered buyer and "e:<e-mail>" for an anonymous one; buyer_token is the
-- SHA-256 of the anonymous buyer's private link.
CREATE TABLE conversations (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    classifiedad_id BIGINT NOT NULL,
    seller_id       BIGINT NOT NULL,
    buyer_id        BIGINT NULL,
    buyer_key       VARCHAR(300) NOT NULL,
    buyer_name      VARCHAR(200) NOT NULL,
    buyer_email     VARCHAR(255) NOT NULL,
    buyer_phone     VARCHAR(40) NOT NULL DEFAULT '',
    buyer_token     CHAR(64) NOT NULL,
    seller_unread   INT NOT NULL DEFAULT 0,
    buyer_unread    INT NOT NULL DEFAULT 0,
    last_message_at DATETIME NOT NULL,
    created         DATETIME NOT NULL,
    CONSTRAINT fk_conversations_ad FOREIGN KEY (classifiedad_id) REFERENCES classifiedad (id) ON DELETE CASCADE,
    CONSTRAINT fk_conversations_seller FOREIGN KEY (seller_id) REFERENCES users (id) ON DELETE CASCADE,
    CONSTRAINT fk_conversations_buyer FOREIGN KEY (buyer_id) REFERENCES users (id) ON DELETE SET NULL
);
CREATE UNIQUE INDEX uq_conversations_buyer ON conversations (classifiedad_id, buyer_key);
CREATE UNIQUE INDEX uq_conversations_token ON conversations (buyer_token);
CREATE INDEX ix_conversations_seller ON conversations (seller_id, last_message_at);
CREATE INDEX ix_conversations_buyer ON conversations (buyer_id, last_message_at);

-- author is "seller" or "buyer".
CREATE TABLE messages (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    conversation_id BIGINT NOT NULL,
    author          VARCHAR(6) NOT NULL,
    author_user_id  BIGINT NULL,
    body            TEXT NOT NULL,
    created         DATETIME NOT NULL,
    CONSTRAINT fk_messages_conversation FOREIGN KEY (conversation_id) REFERENCES conversations (id) ON DELETE CASCADE,
    CONSTRAINT fk_messages_user FOREIGN KEY (author_user_id) REFERENCES users (id) ON DELETE SET NULL
);
CREATE INDEX ix_messages_conversation ON messages (conversation_id, id);

-- Server-side sessions; id is the SHA-256 of the cookie value.
CREATE TABLE sessions (
    id         CHAR(64) NOT NULL PRIMARY KEY,
    user_id    BIGINT NOT NULL,
    created    DATETIME NOT NULL,
    last_seen  DATETIME NOT NULL,
    expires_at DATETIME NOT NULL,
    user_agent VARCHAR(255) NOT NULL DEFAULT '',
    CONSTRAINT fk_sessions_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
);
CREATE INDEX ix_sessions_user ON sessions (user_id);
CREATE INDEX ix_sessions_expires ON sessions (expires_at);

-- Single-use password reset links; token_hash is the SHA-256 of the token.
CREATE TABLE password_resets (
    token_hash CHAR(64) NOT NULL PRIMARY KEY,
    user_id    BIGINT NOT NULL,
    created    DATETIME NOT NULL,
    expires_at DATETIME NOT NULL,
    used_at    DATETIME NULL,
    CONSTRAINT fk_resets_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
);
CREATE INDEX ix_resets_user ON password_resets (user_id);

-- "Denunciar anúncio".
CREATE TABLE reports (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    classifiedad_id  BIGINT NOT NULL,
    reason           VARCHAR(30) NOT NULL,
    note             VARCHAR(1000) NOT NULL DEFAULT '',
    reporter_user_id BIGINT NULL,
    reporter_addr    VARCHAR(45) NOT NULL DEFAULT '',
    created          DATETIME NOT NULL,
    closed_at        DATETIME NULL,
    closed_by        BIGINT NULL,
    CONSTRAINT fk_reports_ad FOREIGN KEY (classifiedad_id) REFERENCES classifiedad (id) ON DELETE CASCADE,
    CONSTRAINT fk_reports_user FOREIGN KEY (reporter_user_id) REFERENCES users (id) ON DELETE SET NULL,
    CONSTRAINT fk_reports_closer FOREIGN KEY (closed_by) REFERENCES users (id) ON DELETE SET NULL
);
CREATE INDEX ix_reports_open ON reports (closed_at, created);
CREATE INDEX ix_reports_ad ON reports (classifiedad_id);

-- Every admin action: who, what, when.
CREATE TABLE audit_log (
    id       INTEGER PRIMARY KEY AUTOINCREMENT,
    actor_id BIGINT NULL,
    action   VARCHAR(50) NOT NULL,
    target   VARCHAR(100) NOT NULL DEFAULT '',
    detail   VARCHAR(1000) NOT NULL DEFAULT '',
    created  DATETIME NOT NULL,
    CONSTRAINT fk_audit_actor FOREIGN KEY (actor_id) REFERENCES users (id) ON DELETE SET NULL
);
CREATE INDEX ix_audit_created ON audit_log (created);

-- Outgoing e-mail, written in the request's transaction and sent by the worker.
-- status: pending, sent, failed.
CREATE TABLE email_outbox (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    to_addr    VARCHAR(255) NOT NULL,
    subject    VARCHAR(255) NOT NULL,
    body       TEXT NOT NULL,
    status     VARCHAR(10) NOT NULL DEFAULT 'pending',
    attempts   INT NOT NULL DEFAULT 0,
    last_error VARCHAR(1000) NOT NULL DEFAULT '',
    created    DATETIME NOT NULL,
    sent_at    DATETIME NULL
);
CREATE INDEX ix_outbox_status ON email_outbox (status, created);
