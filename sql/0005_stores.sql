-- Stores (SPEC §1, §8): codes compare the way people read them.
--
-- search_fold(t): t in the form searches and uniqueness compare — lower case, Cyrillic folded
-- to lower case explicitly (lower() does not under the C locale), and the Cyrillic letters
-- that look like Latin ones (А В Е Ё К М Н О Р С Т У Х) replaced by those, so a technician
-- typing "MCK" finds "МСК". Device searches can use it too.
CREATE FUNCTION search_fold(t text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$
    SELECT lower(translate(t,
        'АБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯабвгдеёжзийклмнопрстуфхцчшщъыьэюя',
        'aбbгдeeжзийkлmhoпpctyфxцчшщъыьэюяaбbгдeeжзийkлmhoпpctyфxцчшщъыьэюя'))
$$;

-- Two stores whose codes read the same (MSK-014, msk-014, МСК-014 in Cyrillic) would be one
-- store to the people using them: the code is unique in its folded form too.
CREATE UNIQUE INDEX stores_code_folded_key ON stores (search_fold(code));
