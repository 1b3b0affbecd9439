-- Small values the processes share. catalog_version goes up in the same
-- transaction as every change of the catalog; each web process compares it
-- with the version of its in-memory copy and reloads the copy when it moved.
CREATE TABLE app_state (
    name  VARCHAR(50) NOT NULL PRIMARY KEY,
    value BIGINT      NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

INSERT INTO app_state (name, value) VALUES ('catalog_version', 1);

-- The admin area finds ads by the day they were posted.
CREATE INDEX ix_ad_created ON classifiedad (created);
