-- Establishments of the ACCE référentiel with their commune, département, académie, INSEE region and région
-- académique, their roles in the apprenticeship catalogue (lieu de formation, formateur, gestionnaire) and their
-- ACCE mother/daughter links (ACCE_UAI_MERE and ACCE_UAI_FILLE, the UAI variants matching tries), completed by
-- QuiForme (SIRET, SIREN, raison sociale, enseigne, état administratif, address); a UAI QuiForme knows and ACCE
-- lacks is added (source_referentiel = 'quiforme').
with acce_seul as (
    select * from staging.stg_acce__etablissements
),

organismes as (
    select * from staging.stg_quiforme__organismes
),

quiforme as (
    select
        uai,
        first(siret order by siret) as siret,
        first(siren order by siret) as siren,
        first(raison_sociale order by siret) as raison_sociale,
        first(enseigne order by siret) as enseigne,
        first(etat_administratif order by siret) as etat_administratif,
        first(adresse order by siret) as adresse,
        max(millesime) as millesime
    from organismes
    group by uai
),

acce as (
    select *, 'acce' as source_referentiel from acce_seul
    union all by name
    select
        uai,
        coalesce(enseigne, raison_sociale) as denomination_principale,
        siret,
        millesime,
        'quiforme' as source_referentiel
    from quiforme
    where uai not in (select uai from acce_seul)
),

rattachements as (
    select * from staging.stg_acce__rattachements
),

academies as (
    select * from staging.stg_reference__academies
),

formations_ca as (
    select * from staging.stg_catalogue_apprentissage__formations
),

etablissements_ca as (
    select * from staging.stg_catalogue_apprentissage__etablissements
),

roles_ca as (
    select uai_formation as uai, 'lieu_formation' as role from formations_ca
    union all
    select uai_formateur as uai, 'formateur' as role from formations_ca
    union all
    select uai_gestionnaire as uai, 'gestionnaire' as role from formations_ca
),

roles as (
    select
        uai,
        count(*) filter (where role = 'lieu_formation') as nb_formations_lieu_formation,
        count(*) filter (where role = 'formateur') as nb_formations_formateur,
        count(*) filter (where role = 'gestionnaire') as nb_formations_gestionnaire
    from roles_ca
    where uai is not null
    group by uai
),

meres as (
    select uai_fille as uai, list(uai_mere order by uai_mere) as uais_meres
    from rattachements
    group by uai_fille
),

filles as (
    select uai_mere as uai, list(uai_fille order by uai_fille) as uais_filles
    from rattachements
    group by uai_mere
),

catalogue as (
    select uai, first(raison_sociale order by siret) as raison_sociale_catalogue, list(siret order by siret) as sirets
    from etablissements_ca
    where uai is not null
    group by uai
),

final as (
    select
        acce.uai,
        coalesce(acce.appellation_officielle, acce.denomination_principale) as libelle,
        acce.denomination_principale,
        acce.appellation_officielle,
        acce.nature_uai,
        acce.nature_uai_libelle,
        acce.type_uai,
        acce.secteur_public_prive,
        acce.etat_etablissement,
        coalesce(acce.siret, quiforme.siret) as siret,
        quiforme.siren,
        quiforme.raison_sociale,
        quiforme.enseigne,
        quiforme.etat_administratif,
        quiforme.adresse,
        acce.source_referentiel,
        coalesce(catalogue.sirets, []) as sirets_catalogue,
        catalogue.raison_sociale_catalogue,
        acce.code_postal,
        acce.code_commune,
        acce.libelle_commune,
        acce.code_departement,
        acce.libelle_departement,
        acce.code_academie,
        coalesce(academie.libelle_academie, acce.libelle_academie) as libelle_academie,
        academie.code_region,
        academie.libelle_region,
        academie.code_region_academique,
        acce.pays,
        acce.date_ouverture,
        acce.date_fermeture,
        coalesce(role.nb_formations_lieu_formation, 0) > 0 as est_lieu_formation,
        coalesce(role.nb_formations_formateur, 0) > 0 as est_formateur,
        coalesce(role.nb_formations_gestionnaire, 0) > 0 as est_gestionnaire,
        coalesce(role.nb_formations_lieu_formation, 0) as nb_formations_lieu_formation,
        coalesce(role.nb_formations_formateur, 0) as nb_formations_formateur,
        coalesce(role.nb_formations_gestionnaire, 0) as nb_formations_gestionnaire,
        coalesce(mere.uais_meres, []) as uais_meres,
        coalesce(fille.uais_filles, []) as uais_filles,
        acce.millesime as date_referentiel
    from acce
    left join academies as academie on academie.code_academie = acce.code_academie
    left join roles as role on role.uai = acce.uai
    left join meres as mere on mere.uai = acce.uai
    left join filles as fille on fille.uai = acce.uai
    left join catalogue on catalogue.uai = acce.uai
    left join quiforme on quiforme.uai = acce.uai
)

select * from final
order by uai
