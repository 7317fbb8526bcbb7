-- Rate in whole percent, half-to-even rounding; null when the divisor is null or 0 or the count is null.
create or replace macro taux_pourcent(num, den) as
    case when den > 0 and num is not null then round_even(100 * num::double / den, 0)::integer end
