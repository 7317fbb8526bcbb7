-- The rates over nb_annee_term (every pupil in the final year, the anchor's denominator, §6.3) as published: their
-- names end in _sur_annee_term, so no one takes them for the DEPP's "taux d'emploi", which is over leavers.
-- taux_rupture_contrats (over apprenticeship contracts, as InserJeunes gives it) keeps its name. Column order is kept.
create or replace macro taux_sur_annee_term(tbl) as table
select
    * rename (
        taux_en_formation as taux_en_formation_sur_annee_term,
        taux_en_emploi_6_mois as taux_en_emploi_6_mois_sur_annee_term,
        taux_en_emploi_12_mois as taux_en_emploi_12_mois_sur_annee_term,
        taux_en_emploi_18_mois as taux_en_emploi_18_mois_sur_annee_term,
        taux_en_emploi_24_mois as taux_en_emploi_24_mois_sur_annee_term,
        taux_autres_6_mois as taux_autres_6_mois_sur_annee_term,
        taux_autres_12_mois as taux_autres_12_mois_sur_annee_term,
        taux_autres_18_mois as taux_autres_18_mois_sur_annee_term,
        taux_autres_24_mois as taux_autres_24_mois_sur_annee_term
    )
from query_table(tbl)
