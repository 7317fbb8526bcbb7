-- Static référentiel: académie (ACCE/BCN code) → région INSEE and région académique (the code the InserJeunes
-- regional route uses). Overseas collectivities (COM) have no INSEE region and région académique 00.
with academies (code_academie, libelle_academie, code_region, libelle_region, code_region_academique) as (
    values
        ('01', 'Paris', '11', 'Île-de-France', '10'),
        ('02', 'Aix-Marseille', '93', 'Provence-Alpes-Côte d''Azur', '18'),
        ('03', 'Besançon', '27', 'Bourgogne-Franche-Comté', '02'),
        ('04', 'Bordeaux', '75', 'Nouvelle-Aquitaine', '15'),
        ('05', 'Caen', '28', 'Normandie', '14'),
        ('06', 'Clermont-Ferrand', '84', 'Auvergne-Rhône-Alpes', '01'),
        ('07', 'Dijon', '27', 'Bourgogne-Franche-Comté', '02'),
        ('08', 'Grenoble', '84', 'Auvergne-Rhône-Alpes', '01'),
        ('09', 'Lille', '32', 'Hauts-de-France', '09'),
        ('10', 'Lyon', '84', 'Auvergne-Rhône-Alpes', '01'),
        ('11', 'Montpellier', '76', 'Occitanie', '16'),
        ('12', 'Nancy-Metz', '44', 'Grand Est', '06'),
        ('13', 'Poitiers', '75', 'Nouvelle-Aquitaine', '15'),
        ('14', 'Rennes', '53', 'Bretagne', '03'),
        ('15', 'Strasbourg', '44', 'Grand Est', '06'),
        ('16', 'Toulouse', '76', 'Occitanie', '16'),
        ('17', 'Nantes', '52', 'Pays de la Loire', '17'),
        ('18', 'Orléans-Tours', '24', 'Centre-Val de Loire', '04'),
        ('19', 'Reims', '44', 'Grand Est', '06'),
        ('20', 'Amiens', '32', 'Hauts-de-France', '09'),
        ('21', 'Rouen', '28', 'Normandie', '14'),
        ('22', 'Limoges', '75', 'Nouvelle-Aquitaine', '15'),
        ('23', 'Nice', '93', 'Provence-Alpes-Côte d''Azur', '18'),
        ('24', 'Créteil', '11', 'Île-de-France', '10'),
        ('25', 'Versailles', '11', 'Île-de-France', '10'),
        ('27', 'Corse', '94', 'Corse', '05'),
        ('28', 'La Réunion', '04', 'La Réunion', '11'),
        ('31', 'Martinique', '02', 'Martinique', '12'),
        ('32', 'Guadeloupe', '01', 'Guadeloupe', '07'),
        ('33', 'Guyane', '03', 'Guyane', '08'),
        ('40', 'Nouvelle-Calédonie', null, null, '00'),
        ('41', 'Polynésie française', null, null, '00'),
        ('42', 'Wallis et Futuna', null, null, '00'),
        ('43', 'Mayotte', '06', 'Mayotte', '13'),
        ('44', 'Saint-Pierre-et-Miquelon', null, null, '00'),
        ('70', 'Normandie', '28', 'Normandie', '14')
),

final as (
    select * from academies
)

select * from final
order by code_academie
