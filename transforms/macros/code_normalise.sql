-- A code as publishers write it: trimmed, upper-case, inner blanks removed; empty → null.
create or replace macro code_normalise(x) as
    nullif(upper(regexp_replace(trim(x), '\s+', '', 'g')), '')
