with source as (
    select *
    from raw.parcoursup__formations
    where millesime = (select max(millesime) from raw.parcoursup__formations)
),

renomme as (
    select
        code_normalise(codeformationaccueil) as code_formation_accueil,
        uai_normalise(uai_composante) as uai_composante,
        uai_normalise(uai_aff) as uai_affectation,
        uai_normalise(uai_ges) as uai_gestionnaire,
        trim(lib_aff) as libelle_affectation,
        trim(academie) as academie,
        code_normalise(codeformation) as code_formation,
        trim(libformation) as libelle_formation,
        trim(libspecialite) as libelle_specialite,
        code_au_format(codemef, 10) as code_mef,
        code_au_format(codecfd, 8) as code_cfd,
        code_au_format(codesise, 7) as code_sise,
        list_sort(list_distinct(list_filter(
            list_transform(liste_texte(liste_rncp), c -> rncp_normalise(c)), c -> c is not null
        ))) as codes_rncp,
        list_sort(list_distinct(list_filter(
            list_transform(liste_texte(liste_ideo), c -> ideo_normalise(c)), c -> c is not null
        ))) as codes_ideo,
        nullif(trim(id_rco), '') as id_rco,
        lower(strip_accents(trim(formation_parametree))) = 'parametree' as est_parametree,
        case lower(trim(apprentissageouscolaire))
            when 'apprentissage' then 'apprentissage'
            when 'scolaire' then 'pro'
        end as voie,
        entier_parse(capacite) as capacite,
        millesime,
        _raw_key,
        _raw_row::bigint as _raw_row
    from source
),

final as (
    select *
    from renomme
    where code_formation_accueil is not null
    qualify row_number() over (partition by code_formation_accueil order by _raw_key desc, _raw_row desc) = 1
)

select * from final
order by code_formation_accueil
