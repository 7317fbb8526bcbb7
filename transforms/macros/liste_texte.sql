-- A `;`-separated cell as a sorted list of distinct trimmed non-empty items (empty list when null).
create or replace macro liste_texte(x) as
    list_sort(list_distinct(list_filter(
        list_transform(string_split(coalesce(x, ''), ';'), s -> trim(s)),
        s -> s <> ''
    )))
