-- Idéo formation id as `FOR.<n>`, from a bare number, an id or an ONISEP URL, else null.
create or replace macro ideo_normalise(x) as
    case
        when regexp_full_match(trim(x), '[0-9]+') then 'FOR.' || trim(x)
        else nullif(regexp_extract(upper(x), 'FOR\.[0-9]+'), '')
    end
