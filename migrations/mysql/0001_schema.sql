-- The whole schema: geography, catalog, accounts, ads and their photos,
-- conversations, sessions and the operational tables.
-- Times are stored in UTC.

CREATE TABLE states (
    id      SMALLINT UNSIGNED NOT NULL PRIMARY KEY,
    state   VARCHAR(100) NOT NULL,
    acronym CHAR(2)      NOT NULL,
    UNIQUE KEY uq_states_acronym (acronym)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE cities (
    id       INT UNSIGNED      NOT NULL PRIMARY KEY,
    city     VARCHAR(100)      NOT NULL,
    state_id SMALLINT UNSIGNED NOT NULL,
    KEY ix_cities_state_city (state_id, city),
    CONSTRAINT fk_cities_state FOREIGN KEY (state_id) REFERENCES states (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE motorcycle_brands (
    id      INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    brand   VARCHAR(50)  NOT NULL,
    popular BOOLEAN      NOT NULL DEFAULT FALSE,
    UNIQUE KEY uq_brands_brand (brand)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE motorcycle_brand_models (
    id       INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    brand_id INT UNSIGNED NOT NULL,
    model    VARCHAR(50)  NOT NULL,
    UNIQUE KEY uq_models_brand_model (brand_id, model),
    CONSTRAINT fk_models_brand FOREIGN KEY (brand_id) REFERENCES motorcycle_brands (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE motorcycle_brand_models_versions (
    id       INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    model_id INT UNSIGNED NOT NULL,
    version  VARCHAR(100) NOT NULL,
    KEY ix_versions_model (model_id, version),
    CONSTRAINT fk_versions_model FOREIGN KEY (model_id) REFERENCES motorcycle_brand_models (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE users (
    id             BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    email          VARCHAR(255)    NOT NULL,
    fullname       VARCHAR(500)    NOT NULL,
    password       VARCHAR(255)    NOT NULL,
    is_admin       BOOLEAN         NOT NULL DEFAULT FALSE,
    is_demo        BOOLEAN         NOT NULL DEFAULT FALSE,
    blocked_at     DATETIME(6)     NULL,
    blocked_reason VARCHAR(500)    NOT NULL DEFAULT '',
    last_login     DATETIME(6)     NULL,
    created        DATETIME(6)     NOT NULL,
    updated        DATETIME(6)     NOT NULL,
    UNIQUE KEY uq_users_email (email),
    KEY ix_users_created (created)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE user_profiles (
    user_id                          BIGINT UNSIGNED   NOT NULL PRIMARY KEY,
    subscribe_offer                  BOOLEAN           NOT NULL DEFAULT FALSE,
    state_id                         SMALLINT UNSIGNED NULL,
    city_id                          INT UNSIGNED      NULL,
    zip_code                         VARCHAR(9)        NOT NULL DEFAULT '',
    address                          VARCHAR(1000)     NOT NULL DEFAULT '',
    neighborhood                     VARCHAR(100)      NOT NULL DEFAULT '',
    address_complement               VARCHAR(500)      NOT NULL DEFAULT '',
    date_of_birth                    DATE              NULL,
    telephone                        VARCHAR(40)       NOT NULL DEFAULT '',
    gender                           CHAR(1)           NOT NULL DEFAULT '',
    has_motorcycle                   BOOLEAN           NULL,
    motorcycle_brand_wanted_id       INT UNSIGNED      NULL,
    motorcycle_brand_model_wanted_id INT UNSIGNED      NULL,
    motorcycle_wanted_year           SMALLINT UNSIGNED NULL,
    authz_whatsapp                   BOOLEAN           NOT NULL DEFAULT FALSE,
    authz_sms                        BOOLEAN           NOT NULL DEFAULT FALSE,
    show_telephone_classifiedad      BOOLEAN           NOT NULL DEFAULT FALSE,
    CONSTRAINT fk_profiles_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
    CONSTRAINT fk_profiles_state FOREIGN KEY (state_id) REFERENCES states (id),
    CONSTRAINT fk_profiles_city FOREIGN KEY (city_id) REFERENCES cities (id),
    CONSTRAINT fk_profiles_brand FOREIGN KEY (motorcycle_brand_wanted_id)
        REFERENCES motorcycle_brands (id) ON DELETE SET NULL,
    CONSTRAINT fk_profiles_model FOREIGN KEY (motorcycle_brand_model_wanted_id)
        REFERENCES motorcycle_brand_models (id) ON DELETE SET NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- An ad. status keeps the original's values (new, published, update, delete,
-- expired, inactive) plus failed. listed is true exactly when the ad is on the
-- public pages; every search index starts with it.
CREATE TABLE classifiedad (
    id                BIGINT UNSIGNED   NOT NULL AUTO_INCREMENT PRIMARY KEY,
    user_id           BIGINT UNSIGNED   NOT NULL,
    brand_id          INT UNSIGNED      NOT NULL,
    model_id          INT UNSIGNED      NOT NULL,
    model_version_id  INT UNSIGNED      NULL,
    type              VARCHAR(20)       NOT NULL DEFAULT '',
    origin            VARCHAR(10)       NOT NULL DEFAULT '',
    fabrication_year  SMALLINT UNSIGNED NOT NULL,
    model_year        SMALLINT UNSIGNED NOT NULL,
    license_plate     VARCHAR(20)       NOT NULL,
    mileage           INT UNSIGNED      NOT NULL DEFAULT 0,
    is_new            BOOLEAN           NOT NULL DEFAULT FALSE,
    color             VARCHAR(10)       NOT NULL DEFAULT '',
    price             DECIMAL(10,2)     NOT NULL,
    sales_phrase      VARCHAR(500)      NOT NULL DEFAULT '',
    description       TEXT              NOT NULL,
    optional_alarm    BOOLEAN           NOT NULL DEFAULT FALSE,
    optional_chest    BOOLEAN           NOT NULL DEFAULT FALSE,
    optional_computer BOOLEAN           NOT NULL DEFAULT FALSE,
    optional_gps      BOOLEAN           NOT NULL DEFAULT FALSE,
    accept_new_offer  BOOLEAN           NOT NULL DEFAULT FALSE,
    accept_exchange   BOOLEAN           NOT NULL DEFAULT FALSE,
    doc_ok            BOOLEAN           NULL,
    track_ready       BOOLEAN           NULL,
    brake_system      VARCHAR(10)       NOT NULL DEFAULT '',
    ignition_system   VARCHAR(10)       NOT NULL DEFAULT '',
    refrigeration     VARCHAR(10)       NOT NULL DEFAULT '',
    state_id          SMALLINT UNSIGNED NOT NULL,
    city_id           INT UNSIGNED      NOT NULL,
    status            VARCHAR(10)       NOT NULL DEFAULT 'new',
    status_changed    DATETIME(6)       NOT NULL,
    status_reason     VARCHAR(1000)     NOT NULL DEFAULT '',
    listed            BOOLEAN           NOT NULL DEFAULT FALSE,
    hidden_at         DATETIME(6)       NULL,
    hidden_reason     VARCHAR(500)      NOT NULL DEFAULT '',
    top_offer         BOOLEAN           NOT NULL DEFAULT FALSE,
    search_text       VARCHAR(800)      NOT NULL DEFAULT '',
    published_at      DATETIME(6)       NULL,
    expires_at        DATETIME(6)       NULL,
    created           DATETIME(6)       NOT NULL,
    updated           DATETIME(6)       NOT NULL,
    KEY ix_ad_user_status (user_id, status),
    KEY ix_ad_status_changed (status, status_changed),
    KEY ix_ad_listed_published (listed, published_at),
    KEY ix_ad_listed_top (listed, top_offer, published_at),
    KEY ix_ad_listed_brand (listed, brand_id, model_id, published_at),
    KEY ix_ad_listed_state (listed, state_id, city_id, published_at),
    KEY ix_ad_listed_price (listed, price),
    KEY ix_ad_listed_year (listed, model_year),
    KEY ix_ad_listed_km (listed, mileage),
    KEY ix_ad_expires (listed, expires_at),
    CONSTRAINT fk_ad_user FOREIGN KEY (user_id) REFERENCES users (id),
    CONSTRAINT fk_ad_brand FOREIGN KEY (brand_id) REFERENCES motorcycle_brands (id),
    CONSTRAINT fk_ad_model FOREIGN KEY (model_id) REFERENCES motorcycle_brand_models (id),
    CONSTRAINT fk_ad_version FOREIGN KEY (model_version_id) REFERENCES motorcycle_brand_models_versions (id),
    CONSTRAINT fk_ad_state FOREIGN KEY (state_id) REFERENCES states (id),
    CONSTRAINT fk_ad_city FOREIGN KEY (city_id) REFERENCES cities (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- A photo of an ad. Object keys, not URLs: tmp_key in the temporary bucket
-- until the worker writes thumb_key and large_key in the public one.
-- status: pending, ready, removed (to delete from the public bucket), failed.
CREATE TABLE classifiedad_images (
    id              BIGINT UNSIGNED   NOT NULL AUTO_INCREMENT PRIMARY KEY,
    classifiedad_id BIGINT UNSIGNED   NOT NULL,
    position        SMALLINT UNSIGNED NOT NULL,
    status          VARCHAR(10)       NOT NULL DEFAULT 'pending',
    tmp_key         VARCHAR(255)      NOT NULL DEFAULT '',
    thumb_key       VARCHAR(255)      NOT NULL DEFAULT '',
    large_key       VARCHAR(255)      NOT NULL DEFAULT '',
    thumb_width     SMALLINT UNSIGNED NOT NULL DEFAULT 0,
    thumb_height    SMALLINT UNSIGNED NOT NULL DEFAULT 0,
    large_width     SMALLINT UNSIGNED NOT NULL DEFAULT 0,
    large_height    SMALLINT UNSIGNED NOT NULL DEFAULT 0,
    error           VARCHAR(500)      NOT NULL DEFAULT '',
    created         DATETIME(6)       NOT NULL,
    KEY ix_images_ad (classifiedad_id, status, position),
    CONSTRAINT fk_images_ad FOREIGN KEY (classifiedad_id) REFERENCES classifiedad (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- A photo uploaded to the temporary bucket before its ad is submitted; the
-- token is only honoured for the user who uploaded it.
CREATE TABLE photo_uploads (
    token        CHAR(32)          NOT NULL PRIMARY KEY,
    user_id      BIGINT UNSIGNED   NOT NULL,
    tmp_key      VARCHAR(255)      NOT NULL,
    content_type VARCHAR(30)       NOT NULL,
    size_bytes   INT UNSIGNED      NOT NULL,
    width        SMALLINT UNSIGNED NOT NULL,
    height       SMALLINT UNSIGNED NOT NULL,
    created      DATETIME(6)       NOT NULL,
    used_at      DATETIME(6)       NULL,
    KEY ix_uploads_user (user_id, created),
    KEY ix_uploads_created (created),
    CONSTRAINT fk_uploads_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- One conversation per (ad, buyer). buyer_key is "u:<user id>" for a
-- registered buyer and "e:<e-mail>" for an anonymous one; buyer_token is the
-- SHA-256 of the anonymous buyer's private link.
CREATE TABLE conversations (
    id              BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    classifiedad_id BIGINT UNSIGNED NOT NULL,
    seller_id       BIGINT UNSIGNED NOT NULL,
    buyer_id        BIGINT UNSIGNED NULL,
    buyer_key       VARCHAR(300)    NOT NULL,
    buyer_name      VARCHAR(200)    NOT NULL,
    buyer_email     VARCHAR(255)    NOT NULL,
    buyer_phone     VARCHAR(40)     NOT NULL DEFAULT '',
    buyer_token     CHAR(64)        NOT NULL,
    seller_unread   INT UNSIGNED    NOT NULL DEFAULT 0,
    buyer_unread    INT UNSIGNED    NOT NULL DEFAULT 0,
    last_message_at DATETIME(6)     NOT NULL,
    created         DATETIME(6)     NOT NULL,
    UNIQUE KEY uq_conversations_buyer (classifiedad_id, buyer_key),
    UNIQUE KEY uq_conversations_token (buyer_token),
    KEY ix_conversations_seller (seller_id, last_message_at),
    KEY ix_conversations_buyer (buyer_id, last_message_at),
    CONSTRAINT fk_conversations_ad FOREIGN KEY (classifiedad_id) REFERENCES classifiedad (id) ON DELETE CASCADE,
    CONSTRAINT fk_conversations_seller FOREIGN KEY (seller_id) REFERENCES users (id) ON DELETE CASCADE,
    CONSTRAINT fk_conversations_buyer FOREIGN KEY (buyer_id) REFERENCES users (id) ON DELETE SET NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- author is "seller" or "buyer".
CREATE TABLE messages (
    id              BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    conversation_id BIGINT UNSIGNED NOT NULL,
    author          VARCHAR(6)      NOT NULL,
    author_user_id  BIGINT UNSIGNED NULL,
    body            TEXT            NOT NULL,
    created         DATETIME(6)     NOT NULL,
    KEY ix_messages_conversation (conversation_id, id),
    CONSTRAINT fk_messages_conversation FOREIGN KEY (conversation_id) REFERENCES conversations (id) ON DELETE CASCADE,
    CONSTRAINT fk_messages_user FOREIGN KEY (author_user_id) REFERENCES users (id) ON DELETE SET NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Server-side sessions; id is the SHA-256 of the cookie value.
CREATE TABLE sessions (
    id         CHAR(64)        NOT NULL PRIMARY KEY,
    user_id    BIGINT UNSIGNED NOT NULL,
    created    DATETIME(6)     NOT NULL,
    last_seen  DATETIME(6)     NOT NULL,
    expires_at DATETIME(6)     NOT NULL,
    user_agent VARCHAR(255)    NOT NULL DEFAULT '',
    KEY ix_sessions_user (user_id),
    KEY ix_sessions_expires (expires_at),
    CONSTRAINT fk_sessions_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Single-use password reset links; token_hash is the SHA-256 of the token.
CREATE TABLE password_resets (
    token_hash CHAR(64)        NOT NULL PRIMARY KEY,
    user_id    BIGINT UNSIGNED NOT NULL,
    created    DATETIME(6)     NOT NULL,
    expires_at DATETIME(6)     NOT NULL,
    used_at    DATETIME(6)     NULL,
    KEY ix_resets_user (user_id),
    CONSTRAINT fk_resets_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- "Denunciar anúncio".
CREATE TABLE reports (
    id               BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    classifiedad_id  BIGINT UNSIGNED NOT NULL,
    reason           VARCHAR(30)     NOT NULL,
    note             VARCHAR(1000)   NOT NULL DEFAULT '',
    reporter_user_id BIGINT UNSIGNED NULL,
    reporter_addr    VARCHAR(45)     NOT NULL DEFAULT '',
    created          DATETIME(6)     NOT NULL,
    closed_at        DATETIME(6)     NULL,
    closed_by        BIGINT UNSIGNED NULL,
    KEY ix_reports_open (closed_at, created),
    KEY ix_reports_ad (classifiedad_id),
    CONSTRAINT fk_reports_ad FOREIGN KEY (classifiedad_id) REFERENCES classifiedad (id) ON DELETE CASCADE,
    CONSTRAINT fk_reports_user FOREIGN KEY (reporter_user_id) REFERENCES users (id) ON DELETE SET NULL,
    CONSTRAINT fk_reports_closer FOREIGN KEY (closed_by) REFERENCES users (id) ON DELETE SET NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Every admin action: who, what, when.
CREATE TABLE audit_log (
    id       BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    actor_id BIGINT UNSIGNED NULL,
    action   VARCHAR(50)     NOT NULL,
    target   VARCHAR(100)    NOT NULL DEFAULT '',
    detail   VARCHAR(1000)   NOT NULL DEFAULT '',
    created  DATETIME(6)     NOT NULL,
    KEY ix_audit_created (created),
    CONSTRAINT fk_audit_actor FOREIGN KEY (actor_id) REFERENCES users (id) ON DELETE SET NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Outgoing e-mail, written in the request's transaction and sent by the worker.
-- status: pending, sent, failed.
CREATE TABLE email_outbox (
    id         BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    to_addr    VARCHAR(255)    NOT NULL,
    subject    VARCHAR(255)    NOT NULL,
    body       TEXT            NOT NULL,
    status     VARCHAR(10)     NOT NULL DEFAULT 'pending',
    attempts   INT UNSIGNED    NOT NULL DEFAULT 0,
    last_error VARCHAR(1000)   NOT NULL DEFAULT '',
    created    DATETIME(6)     NOT NULL,
    sent_at    DATETIME(6)     NULL,
    KEY ix_outbox_status (status, created)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
