-- One row per (scope, scope_code, millésime, code, filière) of an InserJeunes raw table (one row per measure):
-- one column per known measure, unknown measures kept as a JSON object; a measure landed twice keeps the value
-- of the last raw key and row.
create or replace macro inserjeunes_mesures(tbl) as table
with source as (
    select * from query_table(tbl)
),

normalise as (
    select
        lower(trim(scope)) as scope,
        case lower(trim(scope))
            when 'france' then 'FR'
            when 'region' then lpad(trim(scope_code), 2, '0')
            when 'academie' then lpad(trim(scope_code), 2, '0')
            when 'departement' then
                case
                    when regexp_full_match(trim(scope_code), '0[0-9][0-9AB]') then upper(substr(trim(scope_code), 2))
                    when regexp_full_match(trim(scope_code), '[0-9]') then '0' || trim(scope_code)
                    else upper(trim(scope_code))
                end
            when 'uai' then uai_normalise(scope_code)
        end as scope_code,
        -- One millésime form across layers: the national route's single year (`2023`) becomes the pair (`2022_2023`)
        -- the regional and UAI routes use, so figures of one cohort join (anchor §6.2).
        case
            when regexp_full_match(trim(millesime), '[0-9]{4}')
                then (trim(millesime)::integer - 1)::varchar || '_' || trim(millesime)
            else trim(millesime)
        end as millesime,
        case lower(trim(filiere))
            when 'voie_pro_sco_educ_nat' then 'pro'
            when 'pro' then 'pro'
            when 'voie_pro_sco_agri' then 'agricole'
            when 'agricole' then 'agricole'
            when 'apprentissage' then 'apprentissage'
            else case lower(trim(dimension))
                when 'id_formation_apprentissage' then 'apprentissage'
                when 'id_mefstat11' then 'pro'
            end
        end as filiere,
        lower(trim(dimension)) as dimension,
        case lower(trim(dimension))
            when 'id_formation_apprentissage' then code_au_format(code, 8)
            when 'id_mefstat11' then code_au_format(code, 11)
        end as code_certification,
        trim(id_mesure) as id_mesure,
        lower(trim(id_mesure)) as mesure,
        valeur_mesure,
        nombre_parse(valeur_mesure) as valeur,
        nullif(trim(libelle_etab), '') as libelle_etab,
        _raw_key,
        _raw_row::bigint as _raw_row
    from source
),

mesures as (
    select
        scope, scope_code, millesime, code_certification, filiere, mesure,
        arg_max(id_mesure, (_raw_key, _raw_row)) as id_mesure,
        arg_max(valeur_mesure, (_raw_key, _raw_row)) as valeur_mesure,
        arg_max(valeur, (_raw_key, _raw_row)) as valeur,
        min(dimension) as dimension,
        min(libelle_etab) as libelle_etab,
        min(_raw_key) as _raw_key,
        min(_raw_row) as _raw_row
    from normalise
    where scope_code is not null and code_certification is not null and filiere is not null
    group by scope, scope_code, millesime, code_certification, filiere, mesure
),

inconnues as (
    select
        scope, scope_code, millesime, code_certification, filiere,
        to_json(map_from_entries(list(struct_pack(k := id_mesure, v := valeur_mesure) order by id_mesure)))::varchar
            as mesures_inconnues
    from mesures
    where mesure not in (
        'nb_annee_term', 'nb_sortant', 'nb_poursuite_etudes', 'nb_en_emploi_6_mois', 'nb_en_emploi_12_mois',
        'nb_en_emploi_18_mois', 'nb_en_emploi_24_mois', 'taux_rupture_contrats',
        'devenir_part_en_emploi_6_mois', 'devenir_part_poursuite_etudes', 'devenir_part_autre_situation_6_mois',
        'taux_poursuite_etudes', 'taux_emploi_6_mois', 'taux_emploi_12_mois', 'taux_emploi_18_mois',
        'taux_emploi_24_mois', 'salaire_ts_q1_12_mois', 'salaire_ts_q2_12_mois', 'salaire_ts_q3_12_mois'
    )
    group by scope, scope_code, millesime, code_certification, filiere
),

par_formation as (
    select
        scope,
        scope_code,
        millesime,
        millesime_annee_debut(millesime) as millesime_annee_debut,
        millesime_annee_fin(millesime) as millesime_annee_fin,
        code_certification,
        filiere,
        min(dimension) as dimension,
        min(libelle_etab) as libelle_etablissement,
        round(max(valeur) filter (where mesure = 'nb_annee_term'))::integer as nb_annee_term,
        round(max(valeur) filter (where mesure = 'nb_sortant'))::integer as nb_sortant,
        round(max(valeur) filter (where mesure = 'nb_poursuite_etudes'))::integer as nb_poursuite_etudes,
        round(max(valeur) filter (where mesure = 'nb_en_emploi_6_mois'))::integer as nb_en_emploi_6_mois,
        round(max(valeur) filter (where mesure = 'nb_en_emploi_12_mois'))::integer as nb_en_emploi_12_mois,
        round(max(valeur) filter (where mesure = 'nb_en_emploi_18_mois'))::integer as nb_en_emploi_18_mois,
        round(max(valeur) filter (where mesure = 'nb_en_emploi_24_mois'))::integer as nb_en_emploi_24_mois,
        max(valeur) filter (where mesure = 'taux_rupture_contrats') as taux_rupture_contrats,
        max(valeur) filter (where mesure = 'devenir_part_en_emploi_6_mois') as devenir_part_en_emploi_6_mois,
        max(valeur) filter (where mesure = 'devenir_part_poursuite_etudes') as devenir_part_poursuite_etudes,
        max(valeur) filter (where mesure = 'devenir_part_autre_situation_6_mois')
            as devenir_part_autre_situation_6_mois,
        max(valeur) filter (where mesure = 'taux_poursuite_etudes') as taux_poursuite_etudes,
        max(valeur) filter (where mesure = 'taux_emploi_6_mois') as taux_emploi_6_mois,
        max(valeur) filter (where mesure = 'taux_emploi_12_mois') as taux_emploi_12_mois,
        max(valeur) filter (where mesure = 'taux_emploi_18_mois') as taux_emploi_18_mois,
        max(valeur) filter (where mesure = 'taux_emploi_24_mois') as taux_emploi_24_mois,
        max(valeur) filter (where mesure = 'salaire_ts_q1_12_mois') as salaire_ts_q1_12_mois,
        max(valeur) filter (where mesure = 'salaire_ts_q2_12_mois') as salaire_ts_q2_12_mois,
        max(valeur) filter (where mesure = 'salaire_ts_q3_12_mois') as salaire_ts_q3_12_mois,
        min(_raw_key) as _raw_key,
        min(_raw_row) as _raw_row
    from mesures
    group by scope, scope_code, millesime, code_certification, filiere
),

final as (
    select formation.*, inconnue.mesures_inconnues
    from par_formation as formation
    left join inconnues as inconnue
        on inconnue.scope = formation.scope and inconnue.scope_code = formation.scope_code
        and inconnue.millesime = formation.millesime and inconnue.code_certification = formation.code_certification
        and inconnue.filiere = formation.filiere
)

select * from final
