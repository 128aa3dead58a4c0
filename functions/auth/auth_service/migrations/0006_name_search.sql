-- The back office's search by name in any script (issue 15). The databases run with the C locale, whose
-- lower() folds ASCII only, so "Петрова" never matched "петрова": the name is normalised here explicitly
-- (lower case; Cyrillic upper case, Ukrainian and Belarusian letters included, to lower case; ё to е)
-- into a stored column, matched by substring through a trigram index. auth_service.repository normalises the query the same way (str.lower, ё → е).
CREATE EXTENSION IF NOT EXISTS pg_trgm;

ALTER TABLE users ADD COLUMN search_name text GENERATED ALWAYS AS (
    translate(lower(full_name), 'АБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯёІЇЄҐЎ', 'абвгдеежзийклмнопрстуфхцчшщъыьэюяеіїєґў')
) STORED;

CREATE INDEX users_search_name_idx ON users USING gin (search_name gin_trgm_ops);
