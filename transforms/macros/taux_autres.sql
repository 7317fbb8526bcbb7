-- The rest of the cohort from the rounded parts, so the three never sum past 100: max(0, 100 − emploi − formation);
-- null when a part is unknown (greatest() alone would ignore nulls).
create or replace macro taux_autres(taux_emploi, taux_formation) as
    case
        when taux_emploi is not null and taux_formation is not null
            then greatest(0, 100 - taux_emploi - taux_formation)
    end
