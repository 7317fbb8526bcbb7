-- A number from publisher text: French decimals ("54,6"), blanks and `*` markers dropped; `nd`, `na`, `-` → null.
create or replace macro nombre_parse(x) as
    try_cast(replace(regexp_replace(x, '[\s\x{00A0}*]', '', 'g'), ',', '.') as double)
