-- UAI upper-case and trimmed when it matches ^[0-9]{7}[A-Z]$, else null.
create or replace macro uai_normalise(x) as
    case when regexp_full_match(code_normalise(x), '[0-9]{7}[A-Z]') then code_normalise(x) end
