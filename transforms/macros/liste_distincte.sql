-- Aggregate: the sorted distinct non-null values of a group as a list (empty list, never null).
create or replace macro liste_distincte(x) as
    list_sort(list_distinct(coalesce(list(x) filter (where x is not null), [])))
