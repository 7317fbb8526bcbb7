with source as (
    select * from raw.insersup__etablissements
),

renomme as (
    select
        uai_normalise(etablissement) as uai,
        code_au_format(coalesce(diplome, diplome_consol), 7) as code_certification,
        trim(libelle_diplome) as libelle_diplome,
        trim(type_diplome_long) as type_diplome,
        trim(denomination_principale) as libelle_etablissement,
        trim(annee_universitaire) as annee_universitaire,
        -- `130 *`: two promotions cumulated; `12 **`: under the threshold, cumul impossible; no marker: one year.
        case
            when contains(nb_sortants, '**') then 'cumul impossible'
            when contains(nb_sortants, '*') then 'cumul'
        end as marqueur_nb_sortants,
        try_cast(regexp_extract(annee_universitaire, '([0-9]{4})\D+([0-9]{4})', 2) as integer) as annee_fin,
        entier_parse(nb_inscrits) as nb_inscrits,
        entier_parse(nb_diplomes) as nb_diplomes,
        entier_parse(nb_sortants) as nb_sortants,
        entier_parse(nb_poursuivants) as nb_poursuivants,
        entier_parse(nb_in_dsn_6) as nb_in_dsn_6,
        entier_parse(nb_in_dsn_12) as nb_in_dsn_12,
        entier_parse(nb_in_dsn_18) as nb_in_dsn_18,
        entier_parse(nb_in_dsn_24) as nb_in_dsn_24,
        nombre_parse(salaire_q1_national_diplome_12) as salaire_q1_national_diplome_12,
        nombre_parse(salaire_q2_national_diplome_12) as salaire_q2_national_diplome_12,
        nombre_parse(salaire_q3_national_diplome_12) as salaire_q3_national_diplome_12,
        millesime as date_collecte,
        _raw_key,
        _raw_row::bigint as _raw_row
    from source
),

millesimes as (
    select
        *,
        case
            when marqueur_nb_sortants = 'cumul' then (annee_fin - 1)::varchar || '_' || annee_fin::varchar
            else annee_fin::varchar
        end as millesime
    from renomme
    where uai is not null and code_certification is not null and annee_fin is not null
),

final as (
    select
        uai,
        code_certification,
        'superieur' as filiere,
        millesime,
        millesime_annee_debut(millesime) as millesime_annee_debut,
        millesime_annee_fin(millesime) as millesime_annee_fin,
        * exclude (uai, code_certification, millesime, annee_fin, date_collecte)
    from millesimes
    -- The latest fetch wins (a re-fetch carries the publisher's corrections); within one fetch, one SISE can be
    -- published under several disciplines: the first row landed is kept.
    qualify row_number() over (
        partition by uai, code_certification, millesime order by date_collecte desc, _raw_key, _raw_row
    ) = 1
)

select * from final
order by uai, code_certification, millesime
