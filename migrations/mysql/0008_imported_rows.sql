-- What `motando import-django` brought over from the original Django site:
-- one row per source row (source_table is the original's table, source_id
-- its id), with the row it became here. A second run skips what is listed,
-- so it imports only what is new; items counts the chat messages already
-- imported of a conversation. No foreign key: a row deleted here later
-- stays imported, and is not brought back.
CREATE TABLE imported_rows (
    source_table VARCHAR(40)     NOT NULL,
    source_id    BIGINT UNSIGNED NOT NULL,
    target_id    BIGINT UNSIGNED NOT NULL,
    items        INT UNSIGNED    NOT NULL DEFAULT 0,
    imported     DATETIME(6)     NOT NULL,
    PRIMARY KEY (source_table, source_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
