-- The normalised code when it is exactly `n` characters of [0-9A-Z] (CFD 8, MEF 10, MEFSTAT11 11, SISE 7), else null.
create or replace macro code_au_format(x, n) as
    case
        when length(code_normalise(x)) = n and regexp_full_match(code_normalise(x), '[0-9A-Z]+')
            then code_normalise(x)
    end
