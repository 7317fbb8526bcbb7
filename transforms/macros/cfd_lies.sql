-- The sorted distinct CFDs of a list of BCN cells (ancien_diplome_* or nouveau_diplome_*), other than `cfd` itself.
create or replace macro cfd_lies(cellules, cfd) as
    list_sort(list_distinct(list_filter(
        list_transform(cellules, c -> code_au_format(c, 8)),
        c -> c is not null and c <> cfd
    )))
