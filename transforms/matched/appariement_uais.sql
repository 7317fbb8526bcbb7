-- The UAIs at which a catalogue formation's establishment figures are looked for, in priority order: its own UAIs
-- (1 lieu de formation or composante, 2 formateur or affectation, 3 gestionnaire; a supérieur formation only its
-- gestionnaire, where InserSup files its figures), then the ACCE mother UAIs (4) and daughter UAIs (5) of its own.
with formations as (
    select * from matched.formations_catalogues
),

etablissements as (
    select * from matched.etablissements
),

propres as (
    select catalogue, formation_id, uai, min(uai_priorite) as uai_priorite
    from (
        select catalogue, formation_id, uai_1 as uai, 1 as uai_priorite from formations where filiere <> 'superieur'
        union all
        select catalogue, formation_id, uai_2, 2 from formations where filiere <> 'superieur'
        union all
        select catalogue, formation_id, uai_3, 3 from formations
    ) as uai_par_rang
    where uai is not null
    group by catalogue, formation_id, uai
),

apparentees as (
    select propre.catalogue, propre.formation_id, unnest(etablissement.uais_meres) as uai, 4 as uai_priorite
    from propres as propre
    inner join etablissements as etablissement on etablissement.uai = propre.uai
    union all
    select propre.catalogue, propre.formation_id, unnest(etablissement.uais_filles), 5
    from propres as propre
    inner join etablissements as etablissement on etablissement.uai = propre.uai
),

final as (
    select
        catalogue,
        formation_id,
        uai,
        min(uai_priorite) as uai_priorite,
        case min(uai_priorite) when 4 then 'mere' when 5 then 'fille' else 'formation' end as uai_origine
    from (
        select * from propres
        union all
        select * from apparentees
    ) as toutes
    group by catalogue, formation_id, uai
)

select * from final
order by catalogue, formation_id, uai_priorite, uai
