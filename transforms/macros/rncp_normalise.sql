-- RNCP code as `RNCP<digits>` (accepts `12345`, `RNCP12345`, `rncp 012345`), else null.
create or replace macro rncp_normalise(x) as
    case
        when regexp_full_match(code_normalise(x), '(RNCP)?0*[1-9][0-9]*')
            then 'RNCP' || ltrim(regexp_replace(code_normalise(x), '^RNCP', ''), '0')
    end
