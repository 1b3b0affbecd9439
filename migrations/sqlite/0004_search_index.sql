-- Searches are answered by each web process's in-memory index, which reads
-- the listed ads once at start and then the rows changed since, by their
-- time of change: the indexes shaped for SQL searches go, one on the time of
-- change comes.
DROP INDEX ix_ad_listed_published;
DROP INDEX ix_ad_listed_top;
DROP INDEX ix_ad_listed_brand;
DROP INDEX ix_ad_listed_model;
DROP INDEX ix_ad_listed_version;
DROP INDEX ix_ad_listed_state;
DROP INDEX ix_ad_listed_city;
DROP INDEX ix_ad_listed_price;
DROP INDEX ix_ad_listed_year;
DROP INDEX ix_ad_listed_km;
CREATE INDEX ix_ad_updated ON classifiedad (updated);
