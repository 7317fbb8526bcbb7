-- Certif Info code as its digits without leading zeros, else null.
create or replace macro certifinfo_normalise(x) as
    case when regexp_full_match(trim(x), '0*[1-9][0-9]*') then ltrim(trim(x), '0') end
