-- For every catalogue formation and matching method, the certification codes it leads to, in the code type of
-- the target filière (pro → MEFSTAT11, apprentissage → CFD, supérieur → SISE):
-- normal (the formation's own MEF / CFD / SISE), rncp (RNCP → Certif Info → CFD or SISE), ideo (Idéo → Certif
-- Info / table de passage → CFD or SISE), mne (RCO id → apprenticeship catalogue → CFD), then the same four with
-- the filière swapped (inverse: scolaire ↔ apprentissage). A CFD becomes MEFSTAT11 through its terminal MEFs
-- (those with statistics when some have). Validity: valide (one code), plusieurs codes, code inconnu. A Certif
-- Info code without CFD or SISE takes those of the nearest code of its replacement chain (est_code_remplace).
with formations as (
    select * from matched.formations_catalogues
),

certifications as (
    select * from matched.certifications
),

stats as (
    select * from matched.stats_toutes_echelles
),

mefs as (
    select * from staging.stg_bcn__mefs
),

certif_info as (
    select * from staging.stg_certifinfo__certifications
),

certif_info_api as (
    select * from staging.stg_certifinfo_api__certifications
),

remplacements as (
    select * from matched.certifinfo_remplacements
),

passage as (
    select * from staging.stg_onisep__table_de_passage
),

catalogue as (
    select * from staging.stg_catalogue_apprentissage__formations
),

ci_cfd as (
    select code_certifinfo, code_formation_diplome as code from certif_info where code_formation_diplome is not null
    union
    select code_certifinfo, unnest(codes_formation_diplome) from certif_info_api
    union
    select code_certifinfo, code_formation_diplome from passage where code_formation_diplome is not null
),

ci_codes_propres as (
    select code_certifinfo, 'cfd' as type_code, code from ci_cfd
    union
    select code_certifinfo, 'sise', unnest(codes_sise) from certif_info_api
),

ci_codes_remplaces as (
    -- A Certif Info code without a code of one type takes those of the nearest code of its replacement chain
    -- that has some (matched.certifinfo_remplacements): newer codes first, then older ones.
    select remplacement.code_certifinfo, propre.type_code, propre.code
    from remplacements as remplacement
    inner join ci_codes_propres as propre on propre.code_certifinfo = remplacement.code_remplacant
    anti join ci_codes_propres as deja
        on deja.code_certifinfo = remplacement.code_certifinfo and deja.type_code = propre.type_code
    qualify rank() over (
        partition by remplacement.code_certifinfo, propre.type_code
        order by if(remplacement.sens = 'nouveau', 0, 1), remplacement.distance, remplacement.code_remplacant
    ) = 1
),

ci_codes as (
    select code_certifinfo, type_code, code, false as est_code_remplace from ci_codes_propres
    union
    select code_certifinfo, type_code, code, true from ci_codes_remplaces
),

ci_rncp as (
    select code_certifinfo, code_rncp as rncp from certif_info where code_rncp is not null
    union
    select code_certifinfo, unnest(codes_rncp) from certif_info_api
    union
    select code_certifinfo, code_rncp from passage where code_rncp is not null
),

ci_ideo as (
    select code_certifinfo, unnest(codes_ideo) as ideo from certif_info
    union
    select code_certifinfo, code_ideo from passage
),

rncp_codes as (
    select lien.rncp, code.type_code, code.code, code.est_code_remplace
    from ci_rncp as lien
    inner join ci_codes as code on code.code_certifinfo = lien.code_certifinfo
),

ideo_codes as (
    select lien.ideo, code.type_code, code.code, code.est_code_remplace
    from ci_ideo as lien
    inner join ci_codes as code on code.code_certifinfo = lien.code_certifinfo
),

mne as (
    select
        unnest(list_filter([cle_ministere_educatif, id_rco, id_formation], i -> i is not null)) as id,
        code_formation_diplome,
        code_rncp
    from catalogue
),

mne_codes as (
    select id, 'cfd' as type_code, code_formation_diplome as code, false as est_code_remplace
    from mne where code_formation_diplome is not null
    union
    select mne.id, rncp.type_code, rncp.code, rncp.est_code_remplace
    from mne inner join rncp_codes as rncp on rncp.rncp = mne.code_rncp
    where rncp.type_code = 'sise'
),

entrees as (
    select catalogue, formation_id, 'normal' as methode_base, 'mef10' as type_entree, unnest(codes_mef) as entree
    from formations
    union all
    select catalogue, formation_id, 'normal', 'cfd', code_cfd from formations where code_cfd is not null
    union all
    select catalogue, formation_id, 'normal', 'sise', code_sise from formations where code_sise is not null
    union all
    select catalogue, formation_id, 'rncp', 'rncp', unnest(codes_rncp) from formations
    union all
    select catalogue, formation_id, 'ideo', 'ideo', unnest(codes_ideo) from formations
    union all
    select catalogue, formation_id, 'mne', 'id', unnest(ids_rco) from formations
),

codes_entrees as (
    select
        entree.catalogue, entree.formation_id, entree.methode_base, 'mef11' as type_code, mef.mef_stat_11 as code,
        false as est_code_remplace
    from entrees as entree inner join mefs as mef on mef.mef = entree.entree
    where entree.type_entree = 'mef10' and mef.mef_stat_11 is not null
    union
    select entree.catalogue, entree.formation_id, entree.methode_base, 'cfd', mef.code_formation_diplome, false
    from entrees as entree inner join mefs as mef on mef.mef = entree.entree
    where entree.type_entree = 'mef10' and mef.code_formation_diplome is not null
    union
    select catalogue, formation_id, methode_base, type_entree, entree, false
    from entrees where type_entree in ('cfd', 'sise')
    union
    select entree.catalogue, entree.formation_id, entree.methode_base, lien.type_code, lien.code, lien.est_code_remplace
    from entrees as entree inner join rncp_codes as lien on lien.rncp = entree.entree
    where entree.type_entree = 'rncp'
    union
    select entree.catalogue, entree.formation_id, entree.methode_base, lien.type_code, lien.code, lien.est_code_remplace
    from entrees as entree inner join ideo_codes as lien on lien.ideo = entree.entree
    where entree.type_entree = 'ideo'
    union
    select entree.catalogue, entree.formation_id, entree.methode_base, lien.type_code, lien.code, lien.est_code_remplace
    from entrees as entree inner join mne_codes as lien on lien.id = entree.entree
    where entree.type_entree = 'id'
),

codes_avec_stats as (
    select distinct code_certification from stats where donnee_source_type in ('self', 'ancienne', 'nouvelle')
),

terminales_cfd as (
    select
        certification.code_formation_diplome as cfd,
        certification.code_certification as code,
        certification.code_certification in (select code_certification from codes_avec_stats) as a_des_stats
    from certifications as certification
    where certification.code_certification_type = 'mef11' and certification.est_annee_terminale
        and certification.code_formation_diplome is not null
    qualify a_des_stats or not bool_or(a_des_stats) over (partition by certification.code_formation_diplome)
),

methodes as (
    select
        formation.catalogue,
        formation.formation_id,
        base.methode_base,
        case
            when not sens.inverse then base.methode_base
            when base.methode_base = 'normal' then 'inverse'
            else base.methode_base || '_inverse'
        end as methode,
        base.rang + if(sens.inverse, 4, 0) as methode_rang,
        if(sens.inverse, if(formation.filiere = 'pro', 'apprentissage', 'pro'), formation.filiere) as filiere_cible
    from formations as formation
    cross join (values ('normal', 1), ('rncp', 2), ('ideo', 3), ('mne', 4)) as base (methode_base, rang)
    cross join (values (false), (true)) as sens (inverse)
    where not (sens.inverse and formation.filiere = 'superieur')
        and exists (
            select 1 from entrees as entree
            where entree.catalogue = formation.catalogue and entree.formation_id = formation.formation_id
                and entree.methode_base = base.methode_base
        )
),

cibles as (
    select
        *,
        case filiere_cible when 'pro' then 'mef11' when 'apprentissage' then 'cfd' else 'sise' end as type_cible
    from methodes
),

candidats as (
    select cible.catalogue, cible.formation_id, cible.methode, code.code, true as direct, code.est_code_remplace
    from cibles as cible
    inner join codes_entrees as code
        on code.catalogue = cible.catalogue and code.formation_id = cible.formation_id
        and code.methode_base = cible.methode_base and code.type_code = cible.type_cible
    inner join certifications as certification on certification.code_certification = code.code
    union
    select
        cible.catalogue, cible.formation_id, cible.methode, terminale.code, false as direct, code.est_code_remplace
    from cibles as cible
    inner join codes_entrees as code
        on code.catalogue = cible.catalogue and code.formation_id = cible.formation_id
        and code.methode_base = cible.methode_base and code.type_code = 'cfd'
    inner join terminales_cfd as terminale on terminale.cfd = code.code
    where cible.type_cible = 'mef11'
),

retenus as (
    -- Codes of the target type given by the method win over codes converted from a CFD.
    select *
    from candidats
    qualify direct or not bool_or(direct) over (partition by catalogue, formation_id, methode)
),

par_methode as (
    select
        cible.catalogue,
        cible.formation_id,
        cible.methode,
        cible.methode_rang,
        cible.filiere_cible,
        list_sort(list_distinct(coalesce(list(retenu.code) filter (where retenu.code is not null), [])))
            as codes_candidats,
        -- Replaced only when no link without a replacement leads to the codes.
        coalesce(bool_and(retenu.est_code_remplace), false) as est_code_remplace
    from cibles as cible
    left join retenus as retenu
        on retenu.catalogue = cible.catalogue and retenu.formation_id = cible.formation_id
        and retenu.methode = cible.methode
    group by all
),

final as (
    select
        methode.*,
        case len(methode.codes_candidats) when 0 then 'code inconnu' when 1 then 'valide' else 'plusieurs codes' end
            as validite_code_certification,
        if(len(methode.codes_candidats) = 1, methode.codes_candidats[1], null) as code_certification_candidat,
        case
            when len(methode.codes_candidats) <> 1 then null
            when certification.est_annee_terminale then 'terminale'
            when certification.est_annee_commune then 'annee commune'
            when len(certification.certifications_terminales) = 1 then 'annee non terminale'
            else 'plusieurs terminales'
        end as resolution,
        case
            when len(methode.codes_candidats) <> 1 then null
            when certification.est_annee_terminale then certification.code_certification
            -- A non-terminal year, or an année commune whose famille has a single terminal code, reads its terminal
            -- code's figures; an année commune leading to several stays unresolved.
            when len(certification.certifications_terminales) = 1 then certification.certifications_terminales[1]
        end as code_certification,
        -- The terminal codes of a non-terminal year or an année commune (several for a famille de métiers).
        if(
            len(methode.codes_candidats) = 1 and not certification.est_annee_terminale,
            coalesce(certification.certifications_terminales, []),
            []::varchar[]
        ) as certifications_terminales
    from par_methode as methode
    left join certifications as certification on certification.code_certification = methode.codes_candidats[1]
)

select * from final
order by catalogue, formation_id, methode_rang
