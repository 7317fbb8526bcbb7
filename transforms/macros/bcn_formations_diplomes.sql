-- One row per CFD of a BCN formation-diplôme table (N_FORMATION_DIPLOME, V_FORMATION_DIPLOME,
-- N_FORMATION_DIPLOME_ENQUETE_51; same columns), from its latest fetch date: codes, labels and dates normalised; a
-- CFD listed twice keeps the row of the last raw key and row.
create or replace macro bcn_formations_diplomes(tbl) as table
with source as (
    select *
    from query_table(tbl)
    where millesime = (select max(millesime) from query_table(tbl))
),

renomme as (
    select
        code_au_format(formation_diplome, 8) as code_formation_diplome,
        code_normalise(niveau_formation_diplome) as niveau_formation_diplome,
        code_normalise(groupe_specialite) as groupe_specialite,
        code_normalise(lettre_specialite) as lettre_specialite,
        trim(libelle_court) as libelle_court,
        trim(libelle_stat_33) as libelle_stat_33,
        trim(libelle_long_200) as libelle_long,
        date_parse(date_ouverture) as date_ouverture,
        date_parse(date_fermeture) as date_fermeture,
        entier_parse(date_premiere_session) as date_premiere_session,
        entier_parse(date_derniere_session) as date_derniere_session,
        code_normalise(niveau_qualification_rncp) as niveau_qualification_rncp,
        millesime,
        _raw_key,
        _raw_row::bigint as _raw_row
    from source
),

final as (
    select *
    from renomme
    where code_formation_diplome is not null
    qualify row_number() over (partition by code_formation_diplome order by _raw_key desc, _raw_row desc) = 1
)

select * from final
