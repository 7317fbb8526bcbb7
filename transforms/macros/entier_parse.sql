-- An integer count from publisher text (see nombre_parse), else null.
create or replace macro entier_parse(x) as
    try_cast(round(nombre_parse(x)) as integer)
